import Foundation

/// Where the local services run, from the environment `dev/services.sh` writes and `dev/test.sh`
/// loads. A missing variable is an error that says how to get it, never a skipped test.
public enum ServiceEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The variable's value, or `Missing` naming it.
    public static func value(_ name: String) throws -> String {
        if let v = ProcessInfo.processInfo.environment[name] { return v }
        throw Missing(description: "\(name) is not set: run dev/test.sh (it starts the local services)")
    }
}
