import CurlClient
import Dispatch
import Synchronization

/// Where AWS credentials come from. `credentials()` may block on HTTP (STS, instance metadata) when the
/// cached ones are due for refresh: call it from a thread that may block (librdkafka's background
/// thread), or use `currentCredentials()` from Swift concurrency.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() throws -> AWSCredentials
}

extension AWSCredentialsProvider {
    /// `credentials()` off the cooperative pool: a refresh blocks a Dispatch thread, not a Swift task's.
    public func currentCredentials() async throws -> AWSCredentials {
        let r: Result<AWSCredentials, any Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Result { try self.credentials() }) }
        }
        return try r.get()
    }
}

/// Why credentials could not be found or fetched; never holds a secret.
public struct AWSCredentialsError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Long-term keys given in the configuration (`aws.access.key.id`/`aws.secret.access.key`).
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    let value: AWSCredentials
    public init(_ credentials: AWSCredentials) { value = credentials }
    public func credentials() throws -> AWSCredentials { value }
}

/// Temporary credentials fetched by `fetch` and kept until shortly before they expire: five minutes
/// before, or a fifth of their lifetime for short-lived ones. A failed refresh keeps the old
/// credentials while they are still valid for another minute (as the AWS SDKs do), then fails.
public final class RefreshingCredentialsProvider: AWSCredentialsProvider {
    private let fetch: @Sendable () throws -> AWSCredentials
    private let now: @Sendable () -> Int64
    private struct Cached {
        var credentials: AWSCredentials
        var refreshAt: Int64
    }
    private let cached = Mutex<Cached?>(nil)
    /// One fetch at a time: callers that find the cache stale wait for it instead of fetching again.
    private let fetching = Mutex<Void>(())

    public init(
        now: @escaping @Sendable () -> Int64 = AWSClock.epochSeconds,
        fetch: @escaping @Sendable () throws -> AWSCredentials
    ) {
        self.fetch = fetch
        self.now = now
    }

    public func credentials() throws -> AWSCredentials {
        let t = now()
        if let c = cached.withLock({ $0 }), t < c.refreshAt { return c.credentials }
        return try fetching.withLock { _ in
            let t = now()
            if let c = cached.withLock({ $0 }), t < c.refreshAt { return c.credentials }
            do {
                let fresh = try fetch()
                var refreshAt = Int64.max
                if let exp = fresh.expiration {
                    let lifetime = max(0, exp - t)
                    refreshAt = exp - min(300, lifetime / 5)
                }
                cached.withLock { $0 = Cached(credentials: fresh, refreshAt: refreshAt) }
                return fresh
            } catch {
                if let old = cached.withLock({ $0 })?.credentials, let exp = old.expiration, exp - t > 60 {
                    return old
                }
                throw error
            }
        }
    }
}

/// The wall clock in whole seconds (AWS timestamps and expirations).
public enum AWSClock {
    public static let epochSeconds: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    /// ISO 8601 UTC (`2024-05-01T12:34:56Z`, fractional seconds allowed) as seconds since the epoch.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[from..<(from + len)] {
                guard (48...57).contains(c) else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard b.count >= 19, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2),
            let mi = num(14, 2), let s = num(17, 2)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + h * 3600 + mi * 60 + s
    }
}

#if canImport(Glibc)
    import Glibc
#endif
