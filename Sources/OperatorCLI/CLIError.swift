/// A failure the CLI prints (without usage text) before exiting with status 1.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
