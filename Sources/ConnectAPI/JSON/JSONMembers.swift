/// The top-level members of a JSON object in JsonConverter's form (`JsonConverterForm.matches`), as
/// byte ranges: a sink that consumed the value as JSON (`SinkRecord.valueJSON`) reads its fields from
/// the bytes instead of parsing them into a `Value` (the JDBC sink's schemaless COPY path).
///
/// The scan trusts the form: the bytes are valid JSON without whitespace, so it only finds where each
/// member's name and value start and end. Names are ranges inside their quotes, still escaped.
public struct JSONMembers: ~Copyable {
    public struct Member: Sendable {
        /// The name's bytes between its quotes.
        public let name: Range<Int>
        /// The value's bytes (a string with its quotes).
        public let value: Range<Int>
    }

    /// At most this many members are scanned: `JsonConverterForm` refuses more names.
    public static let capacity = 256

    /// Allocated once and reused for every record scanned: an allocation (or a generic stack buffer)
    /// per record is what this path avoids.
    private let storage: UnsafeMutableBufferPointer<Member>
    /// How many members the last `scan` found.
    public private(set) var count = 0

    public init() { storage = .allocate(capacity: Self.capacity) }
    deinit { storage.deallocate() }

    public subscript(i: Int) -> Member { storage[i] }

    /// Finds the members of the object in `bytes`, in order; false when the bytes are not an object
    /// (or one with more members than `capacity`).
    public mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        count = 0
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{") else { return false }
        var pos = 1
        if bytes[pos] == UInt8(ascii: "}") { return true }
        while pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), count < storage.count {
            let nameStart = pos + 1
            guard let afterName = JSONBytes.stringEnd(bytes, from: nameStart) else { break }
            pos = afterName
            let nameEnd = pos - 1
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { break }
            pos += 1
            let valueStart = pos
            guard let afterValue = JSONBytes.valueEnd(bytes, from: pos) else { break }
            pos = afterValue
            storage[count] = Member(name: nameStart..<nameEnd, value: valueStart..<pos)
            count += 1
            guard pos < bytes.count else { break }
            if bytes[pos] == UInt8(ascii: "}") { return true }
            guard bytes[pos] == UInt8(ascii: ",") else { break }
            pos += 1
        }
        count = 0
        return false
    }

    /// Whether a name's bytes (between its quotes) spell `name`: compared byte for byte when it has no
    /// escape (the usual case), else decoded first.
    public static func name(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer, is name: String) -> Bool {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        if !raw.contains(UInt8(ascii: "\\")) {
            var name = name
            return name.withUTF8 { $0.count == raw.count && $0.elementsEqual(raw) }
        }
        return decodedString(range, in: bytes) == name
    }

    /// A name or string value's text (`range` between its quotes).
    public static func decodedString(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
        let quoted = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound - 1)..<(range.upperBound + 1)])
        if case .string(let s)? = try? JSONParser.parseConnectValue(quoted) { return s }
        return String(decoding: raw, as: UTF8.self)
    }
}
