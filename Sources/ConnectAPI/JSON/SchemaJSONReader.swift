/// Reads a JsonConverter payload straight into a Connect `Value` along its schema, without the
/// `JSONValue` tree in between: member names are matched against the schema's field names as bytes and
/// each value is read as its field's type. This is the hot path of sinks fed by JsonConverter with
/// schemas (the S3 sink's Avro and Parquet formats), where building the tree and then converting it was a
/// fifth of the worker's CPU per record.
///
/// Only the common shapes are read here: structs (nested too) of booleans, integers, floats and strings,
/// and nulls where the schema is optional without a default to apply. Anything else answers nil and the
/// caller takes the general path (parse, then `JsonConverter.connectValue`), which gives the same value
/// or names the error: a nil costs speed, never a different value. Nil for:
/// - a member name with escapes, one that is not a field of the schema, or a repeated one;
/// - a missing field, or a null, that is not simply null (required, or a default to apply);
/// - a string with escapes or control characters;
/// - an integer with a fraction, an exponent, leading zeros or more than 18 digits, or out of its type's
///   range; a float that is not a JSON number;
/// - bytes, decimals, arrays and maps; malformed JSON.
public struct SchemaJSONReader: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var pos = 0
    private let replaceNullWithDefault: Bool

    /// The value of `payload` (exactly one JSON value, whitespace around it allowed) read as `schema`,
    /// or nil (see above).
    public static func value(
        _ payload: UnsafeRawBufferPointer, schema: Schema, replaceNullWithDefault: Bool
    ) -> Value? {
        var reader = SchemaJSONReader(payload, replaceNullWithDefault: replaceNullWithDefault)
        reader.skipWhitespace()
        guard let v = reader.value(schema, depth: 0) else { return nil }
        reader.skipWhitespace()
        return reader.pos == payload.count ? v : nil
    }

    private init(_ bytes: UnsafeRawBufferPointer, replaceNullWithDefault: Bool) {
        self.bytes = bytes
        self.replaceNullWithDefault = replaceNullWithDefault
    }

    /// Structs nest at most this deep here; deeper ones are left to the parser and its own limit.
    private static let maxDepth = 64

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func value(_ schema: Schema, depth: Int) -> Value? {
        guard pos < bytes.count else { return nil }
        if bytes[pos] == UInt8(ascii: "n") {
            guard literal("null") else { return nil }
            return nullValue(schema)
        }
        if schema.type == .struct {
            guard depth < Self.maxDepth else { return nil }
            return structValue(schema, depth: depth + 1)
        }
        return primitive(schema.type)
    }

    /// A value that is not null, of a type other than struct: read by the type alone, so a struct's
    /// fields are read without their schemas (passing a field's schema retained and released it).
    private mutating func primitive(_ type: Schema.SchemaType) -> Value? {
        switch type {
        case .boolean:
            if bytes[pos] == UInt8(ascii: "t") { return literal("true") ? .boolean(true) : nil }
            if bytes[pos] == UInt8(ascii: "f") { return literal("false") ? .boolean(false) : nil }
            return nil
        case .int8:
            return integer().flatMap { Int8(exactly: $0) }.map { .int8($0) }
        case .int16:
            return integer().flatMap { Int16(exactly: $0) }.map { .int16($0) }
        case .int32:
            return integer().flatMap { Int32(exactly: $0) }.map { .int32($0) }
        case .int64:
            return integer().map { .int64($0) }
        case .float32:
            return double().map { .float32(Float($0)) }
        case .float64:
            return double().map { .float64($0) }
        case .string:
            return string().map { .string($0) }
        case .struct, .bytes, .array, .map:
            return nil
        }
    }

    /// JSON null (or a missing field) as `connectValue` reads it, when that is simply null.
    private func nullValue(_ schema: Schema) -> Value? {
        if replaceNullWithDefault && schema.defaultValue != nil { return nil }
        return schema.isOptional ? .null : nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { return false }
        pos += n
        return true
    }

    /// A JSON integer of at most 18 digits without leading zeros, as the parser reads it into an int.
    private mutating func integer() -> Int64? {
        guard bytes[pos] == UInt8(ascii: "-") || (bytes[pos] >= 0x30 && bytes[pos] <= 0x39),
            let n = JSONBytes.number(bytes, at: pos), n.integral, n.digits.count <= 18
        else { return nil }
        defer { pos = n.end }
        return shortInteger(n)
    }

    /// The value of an integral number of at most 18 digits read at `pos` (it fits an Int64).
    private func shortInteger(_ n: JSONBytes.Number) -> Int64 {
        var v: Int64 = 0
        for i in n.digits { v = v * 10 + Int64(bytes[i] &- 0x30) }
        return bytes[pos] == UInt8(ascii: "-") ? -v : v
    }

    /// A JSON number as the parser and `JSONValue.doubleValue` read it: a short integer converted, a
    /// short decimal by `Double(exactDecimal:)`, any other number by `Double(String)` from its text.
    private mutating func double() -> Double? {
        guard bytes[pos] == UInt8(ascii: "-") || (bytes[pos] >= 0x30 && bytes[pos] <= 0x39),
            let n = JSONBytes.number(bytes, at: pos)
        else { return nil }
        defer { pos = n.end }
        if n.integral && n.digits.count <= 18 { return Double(shortInteger(n)) }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[pos..<n.end])
        // A short decimal (most amounts and measurements) without a String: the same correctly rounded value.
        if let d = Double(exactDecimal: raw) { return d }
        return Double(String(decoding: raw, as: UTF8.self))
    }

    /// A string without escapes (those are left to the parser), decoded as the parser decodes it.
    private mutating func string() -> String? {
        guard bytes[pos] == UInt8(ascii: "\"") else { return nil }
        guard let end = stringEnd(from: pos + 1) else { return nil }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(pos + 1)..<end]), as: UTF8.self)
        pos = end + 1
        return s
    }

    /// The index of the closing quote of a string whose bytes start at `start`; nil at an escape, a
    /// control character or the end of the input.
    private func stringEnd(from start: Int) -> Int? {
        var i = JSONBytes.plainWordsEnd(bytes, from: start)
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return i }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func structValue(_ schema: Schema, depth: Int) -> Value? {
        guard bytes[pos] == UInt8(ascii: "{") else { return nil }
        pos += 1
        let count = schema.fields.count
        // Which fields were read, to find repeated and missing ones.
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: max(count, 1)) { seen -> Value? in
            seen.initialize(repeating: false)
            var values = [Value](repeating: .null, count: count)
            var expected = 0  // members usually come in the schema's order: that field is tried first
            skipWhitespace()
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
                pos += 1
            } else {
                while true {
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), let end = stringEnd(from: pos + 1),
                        let i = fieldIndex(schema, nameStart: pos + 1, nameEnd: end, expected: expected),
                        !seen[i]
                    else { return nil }
                    pos = end + 1
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return nil }
                    pos += 1
                    skipWhitespace()
                    guard pos < bytes.count else { return nil }
                    let type = schema.fieldTypes[i]
                    let read =
                        type == .struct || bytes[pos] == UInt8(ascii: "n")
                        ? value(schema.fields[i].schema, depth: depth) : primitive(type)
                    guard let v = read else { return nil }
                    values[i] = v
                    seen[i] = true
                    expected = i + 1
                    skipWhitespace()
                    guard pos < bytes.count else { return nil }
                    if bytes[pos] == UInt8(ascii: ",") {
                        pos += 1
                        skipWhitespace()
                        continue
                    }
                    guard bytes[pos] == UInt8(ascii: "}") else { return nil }
                    pos += 1
                    break
                }
            }
            for i in 0..<count where !seen[i] {
                guard let v = nullValue(schema.fields[i].schema) else { return nil }
                values[i] = v
            }
            return .struct(Struct(schema: schema, values: values))
        }
    }

    /// The field whose name is the bytes `nameStart..<nameEnd` (no escapes in them): compared with the
    /// field's `"name":` bytes, whose name part is the name as JSON writes it.
    private func fieldIndex(_ schema: Schema, nameStart: Int, nameEnd: Int, expected: Int) -> Int? {
        let length = nameEnd - nameStart
        func matches(_ i: Int) -> Bool {
            schema.jsonFieldPrefixBytes.withUnsafeBufferPointer { prefixes in
                // `"` + name + `":`
                let start = schema.jsonFieldPrefixStarts[i]
                guard schema.jsonFieldPrefixStarts[i + 1] - start == length + 3 else { return false }
                for k in 0..<length where prefixes[start + k + 1] != bytes[nameStart + k] { return false }
                return true
            }
        }
        let count = schema.fields.count
        if expected < count && matches(expected) { return expected }
        for i in 0..<count where i != expected && matches(i) { return i }
        return nil
    }
}
