#if canImport(Glibc)
    import Glibc
#endif

enum ProcessEnv {
    static func get(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}
