/// Why a key store or PEM file could not be read. The message never contains a password or key bytes.
public struct KeyStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
