import ConnectRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Hands the executable's code pages back to the kernel once the worker is up.
///
/// The kernel maps code around every page the process executes (fault-around: 64 KB per fault), so
/// start-up (argument parsing, configuration, the first join, building every service) leaves about
/// 20 MB of the executable mapped, most of it code that never runs again: two thirds of the idle
/// worker's resident memory. `MADV_PAGEOUT` unmaps them; they are clean pages of the executable file,
/// so nothing is written anywhere, and code that runs again comes back from the page cache on its
/// next call (a minor fault). Only the executable's code mappings are paged out: its data, and shared
/// libraries (whose pages other processes may map too), are left alone. The heap gives back the pages
/// start-up freed (`malloc_trim`).
enum StartupCode {
    /// `MADV_PAGEOUT` (Linux 5.4) in <linux/mman.h>.
    private static let madvPageout: Int32 = 21

    static func release() {
        _ = glibcMallocTrim(0)
        guard let maps = try? ProcessEnv.readText("/proc/self/maps", streams: true) else { return }
        var link = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &link, link.count - 1)
        guard n > 0 else { return }
        let exe = String(decoding: link[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in maps.split(separator: "\n") {
            // address perms offset dev inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1] == "r-xp", fields[5].drop(while: { $0 == " " }) == exe else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let low = UInt(range[0], radix: 16), let high = UInt(range[1], radix: 16),
                high > low
            else { continue }
            // A kernel without MADV_PAGEOUT answers EINVAL: nothing changes.
            _ = madvise(UnsafeMutableRawPointer(bitPattern: low), Int(high - low), madvPageout)
        }
    }
}

/// glibc's `malloc_trim` (malloc.h, which the Glibc module does not export): returns free heap pages.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
