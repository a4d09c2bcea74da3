import ConnectAPI

/// A datum of some Avro schema, for the generic paths (the REST Proxy's JSON bodies, the Schema
/// Registry's defaults): written and read in Avro's binary and JSON encodings (reference rest-proxy.md
/// §4.2 and §4.4).
public indirect enum AvroValue: Sendable, Equatable {
    case null
    case boolean(Bool)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    case string(String)
    case record([AvroValue])
    case `enum`(Int)
    case array([AvroValue])
    case map([(String, AvroValue)])
    case union(Int, AvroValue)
    case fixed([UInt8])

    public static func == (a: AvroValue, b: AvroValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.long(let x), .long(let y)): return x == y
        case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.bytes(let x), .bytes(let y)), (.fixed(let x), .fixed(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.record(let x), .record(let y)), (.array(let x), .array(let y)): return x == y
        case (.enum(let x), .enum(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.union(let i, let x), .union(let j, let y)): return i == j && x == y
        default: return false
        }
    }
}

public struct AvroDataError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Encodes, decodes and converts datums of one schema (its named types resolved once).
public struct AvroDatum: Sendable {
    public let schema: AvroSchema
    private let names: [String: AvroSchema]

    public init(_ schema: AvroSchema) {
        self.schema = schema
        self.names = AvroCompatibility.names(in: schema)
    }

    private func resolve(_ s: AvroSchema) -> AvroSchema {
        switch s {
        case .reference(let n): return names[n] ?? s
        case .annotated(let b, _): return resolve(b)
        default: return s
        }
    }

    // MARK: binary

    public func encode(_ v: AvroValue, into e: inout AvroEncoder) throws(AvroDataError) { try encode(v, schema, &e) }

    private func encode(_ v: AvroValue, _ s0: AvroSchema, _ e: inout AvroEncoder) throws(AvroDataError) {
        let s = resolve(s0)
        switch (s, v) {
        case (.null, .null): break
        case (.boolean, .boolean(let b)): e.writeBoolean(b)
        case (.int, .int(let i)): e.writeInt(i)
        case (.long, .long(let l)): e.writeLong(l)
        case (.float, .float(let f)): e.writeFloat(f)
        case (.double, .double(let d)): e.writeDouble(d)
        case (.bytes, .bytes(let b)): e.writeBytes(b)
        case (.string, .string(let t)): e.writeString(t)
        case (.fixed(_, _, let size, _, _, _), .fixed(let b)):
            guard b.count == size else { throw AvroDataError(message: "fixed of size \(size) given \(b.count) bytes") }
            e.bytes.append(contentsOf: b)
        case (.enum(_, _, let symbols, _, _, _, _), .enum(let i)):
            guard symbols.indices.contains(i) else { throw AvroDataError(message: "enum index \(i) out of range") }
            e.writeInt(Int32(i))
        case (.array(let items), .array(let xs)):
            if !xs.isEmpty {
                e.writeLong(Int64(xs.count))
                for x in xs { try encode(x, items, &e) }
            }
            e.writeLong(0)
        case (.map(let values), .map(let kvs)):
            if !kvs.isEmpty {
                e.writeLong(Int64(kvs.count))
                for (k, x) in kvs {
                    e.writeString(k)
                    try encode(x, values, &e)
                }
            }
            e.writeLong(0)
        case (.record(_, _, _, let fields, _, _, _), .record(let xs)):
            guard xs.count == fields.count else {
                throw AvroDataError(message: "record of \(fields.count) fields given \(xs.count) values")
            }
            for (f, x) in zip(fields, xs) { try encode(x, f.type, &e) }
        case (.union(let branches), .union(let i, let x)):
            guard branches.indices.contains(i) else { throw AvroDataError(message: "union branch \(i) out of range") }
            e.writeLong(Int64(i))
            try encode(x, branches[i], &e)
        default:
            throw AvroDataError(message: "value \(v) does not match schema \(s.json)")
        }
    }

    public func decode(_ bytes: [UInt8]) throws(AvroDataError) -> AvroValue {
        var r = Reader(bytes: bytes)
        let v = try decode(schema, &r)
        guard r.at == bytes.count else {
            throw AvroDataError(message: "\(bytes.count - r.at) bytes left after the datum")
        }
        return v
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0
        /// Nesting of the datum being read: a recursive schema (a linked list through a union) with a
        /// long run of bytes would otherwise recurse until the stack runs out.
        var depth = 0
        var remaining: Int { bytes.count - at }
        mutating func byte() throws(AvroDataError) -> UInt8 {
            guard at < bytes.count else { throw AvroDataError(message: "truncated datum at byte \(at)") }
            defer { at += 1 }
            return bytes[at]
        }
        mutating func long() throws(AvroDataError) -> Int64 {
            var z: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                z |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
                if shift > 63 { throw AvroDataError(message: "varint longer than 10 bytes at byte \(at)") }
            }
            return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
        }
        mutating func take(_ n: Int) throws(AvroDataError) -> [UInt8] {
            // `n <= remaining`, not `at + n <= count`: a corrupt length near Int.max must not overflow.
            guard n >= 0, n <= remaining else { throw AvroDataError(message: "truncated datum at byte \(at)") }
            defer { at += n }
            return Array(bytes[at..<(at + n)])
        }
        mutating func littleEndian(_ n: Int) throws(AvroDataError) -> UInt64 {
            let b = try take(n)
            return b.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
    }

    /// Datums nested deeper than this are refused (as JSON documents are).
    public static let maxDepth = 1000
    /// Items of a schema that takes no bytes (null) need no input, so their count is capped instead.
    static let maxEmptyItems = 1_000_000

    private func decode(_ s0: AvroSchema, _ r: inout Reader) throws(AvroDataError) -> AvroValue {
        r.depth += 1
        defer { r.depth -= 1 }
        if r.depth > Self.maxDepth { throw AvroDataError(message: "datum nested deeper than \(Self.maxDepth) levels") }
        let s = resolve(s0)
        switch s {
        case .null: return .null
        case .boolean: return .boolean(try r.byte() != 0)
        case .int:
            let l = try r.long()
            guard let i = Int32(exactly: l) else { throw AvroDataError(message: "int out of range: \(l)") }
            return .int(i)
        case .long: return .long(try r.long())
        case .float: return .float(Float(bitPattern: UInt32(try r.littleEndian(4))))
        case .double: return .double(Double(bitPattern: try r.littleEndian(8)))
        case .bytes: return .bytes(try r.take(Int(try r.long())))
        case .string: return .string(String(decoding: try r.take(Int(try r.long())), as: UTF8.self))
        case .fixed(_, _, let size, _, _, _): return .fixed(try r.take(size))
        case .enum(_, _, let symbols, _, _, _, _):
            let i = Int(try r.long())
            guard symbols.indices.contains(i) else { throw AvroDataError(message: "enum index \(i) out of range") }
            return .enum(i)
        case .array(let items):
            var out: [AvroValue] = []
            while true {
                let n = try blockCount(&r, items: items, sofar: out.count)
                if n == 0 { break }
                for _ in 0..<n { out.append(try decode(items, &r)) }
            }
            return .array(out)
        case .map(let values):
            var out: [(String, AvroValue)] = []
            while true {
                let n = try blockCount(&r, items: nil, sofar: out.count)  // nil: a map entry's key takes a byte
                if n == 0 { break }
                for _ in 0..<n {
                    let k = String(decoding: try r.take(Int(try r.long())), as: UTF8.self)
                    out.append((k, try decode(values, &r)))
                }
            }
            return .map(out)
        case .record(_, _, _, let fields, _, _, _):
            var out: [AvroValue] = []
            for f in fields { out.append(try decode(f.type, &r)) }
            return .record(out)
        case .union(let branches):
            let i = Int(try r.long())
            guard branches.indices.contains(i) else { throw AvroDataError(message: "union branch \(i) out of range") }
            return .union(i, try decode(branches[i], &r))
        default:
            throw AvroDataError(message: "unresolved schema \(s.json)")
        }
    }

    /// The item count of the next array or map block (a negative count is followed by the block's byte
    /// size). A count the remaining bytes cannot hold is refused before anything is allocated for it.
    private func blockCount(_ r: inout Reader, items: AvroSchema?, sofar: Int) throws(AvroDataError) -> Int {
        var n = try r.long()
        if n < 0 {
            guard n != .min else { throw AvroDataError(message: "invalid block count at byte \(r.at)") }
            n = -n
            _ = try r.long()  // the block's byte size
        }
        // Within both limits (the usual case) the item schema need not be walked.
        if n <= r.remaining && n <= Self.maxEmptyItems - sofar { return Int(n) }
        let itemsTakeBytes = items.map { takesBytes($0) } ?? true
        let limit = itemsTakeBytes ? r.remaining : Self.maxEmptyItems - sofar
        guard n <= limit else {
            throw AvroDataError(message: "block of \(n) items at byte \(r.at) exceeds the datum")
        }
        return Int(n)
    }

    /// False for schemas whose values are written as no bytes at all (null, empty fixed, records of
    /// those); a reference cycle is assumed to take bytes (a union or array must end it).
    private func takesBytes(_ s0: AvroSchema, depth: Int = 0) -> Bool {
        guard depth < 16 else { return true }
        switch resolve(s0) {
        case .null: return false
        case .fixed(_, _, let size, _, _, _): return size > 0
        case .record(_, _, _, let fields, _, _, _): return fields.contains { takesBytes($0.type, depth: depth + 1) }
        default: return true
        }
    }

    // MARK: JSON

    /// The JSON encoding: unions tagged with the branch's type or full name, bytes as ISO-8859-1 text.
    public func json(_ v: AvroValue) throws(AvroDataError) -> JSONValue { try json(v, schema) }

    private func json(_ v: AvroValue, _ s0: AvroSchema) throws(AvroDataError) -> JSONValue {
        let s = resolve(s0)
        switch (s, v) {
        case (_, .null): return .null
        case (_, .boolean(let b)): return .bool(b)
        case (_, .int(let i)): return .int(Int64(i))
        case (_, .long(let l)): return .int(l)
        case (_, .float(let f)): return .number(String(describing: f))
        case (_, .double(let d)): return .number(String(describing: d))
        case (_, .bytes(let b)), (_, .fixed(let b)):
            return .string(String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })))
        case (_, .string(let t)): return .string(t)
        case (.enum(_, _, let symbols, _, _, _, _), .enum(let i)): return .string(symbols[i])
        case (.array(let items), .array(let xs)):
            var out: [JSONValue] = []
            for x in xs { out.append(try json(x, items)) }
            return .array(out)
        case (.map(let values), .map(let kvs)):
            var o = JSONObject()
            for (k, x) in kvs { o[k] = try json(x, values) }
            return .object(o)
        case (.record(_, _, _, let fields, _, _, _), .record(let xs)):
            var o = JSONObject()
            for (f, x) in zip(fields, xs) { o[f.name] = try json(x, f.type) }
            return .object(o)
        case (.union(let branches), .union(let i, let x)):
            if case .null = x { return .null }
            var o = JSONObject()
            o[Self.branchName(branches[i])] = try json(x, branches[i])
            return .object(o)
        default:
            throw AvroDataError(message: "value \(v) does not match schema \(s.json)")
        }
    }

    /// Reads the JSON encoding; `lenient` also takes untagged union values (the first branch that
    /// fits), as Karapace does.
    public func value(fromJSON j: JSONValue, lenient: Bool = false) throws(AvroDataError) -> AvroValue {
        try value(j, schema, lenient: lenient, path: "")
    }

    private func value(_ j: JSONValue, _ s0: AvroSchema, lenient: Bool, path: String) throws(AvroDataError) -> AvroValue
    {
        let s = resolve(s0)
        func bad() -> AvroDataError {
            AvroDataError(
                message:
                    "Expected \(AvroCompatibility.kindName(s)) at \(path.isEmpty ? "/" : path), got \(JSONWriter.string(j))"
            )
        }
        switch (s, j) {
        case (.null, .null): return .null
        case (.boolean, .bool(let b)): return .boolean(b)
        case (.int, .int(let i)):
            guard let v = Int32(exactly: i) else { throw bad() }
            return .int(v)
        case (.long, .int(let i)): return .long(i)
        case (.float, .int(let i)): return .float(Float(i))
        case (.float, .number(let t)):
            guard let f = Float(t) else { throw bad() }
            return .float(f)
        case (.double, .int(let i)): return .double(Double(i))
        case (.double, .number(let t)):
            guard let d = Double(t) else { throw bad() }
            return .double(d)
        case (.string, .string(let t)): return .string(t)
        case (.bytes, .string(let t)), (.fixed, .string(let t)):
            var out: [UInt8] = []
            for u in t.unicodeScalars {
                guard u.value < 256 else { throw bad() }
                out.append(UInt8(u.value))
            }
            if case .fixed(_, _, let size, _, _, _) = s, out.count != size { throw bad() }
            return s.isFixed ? .fixed(out) : .bytes(out)
        case (.enum(_, _, let symbols, _, _, _, _), .string(let t)):
            guard let i = symbols.firstIndex(of: t) else { throw bad() }
            return .enum(i)
        case (.array(let items), .array(let xs)):
            var out: [AvroValue] = []
            for (i, x) in xs.enumerated() { out.append(try value(x, items, lenient: lenient, path: path + "/\(i)")) }
            return .array(out)
        case (.map(let values), .object(let o)):
            var out: [(String, AvroValue)] = []
            for m in o.members {
                out.append((m.key, try value(m.value, values, lenient: lenient, path: path + "/" + m.key)))
            }
            return .map(out)
        case (.record(_, _, _, let fields, _, _, _), .object(let o)):
            var out: [AvroValue] = []
            for f in fields {
                guard let x = o[f.name] else {
                    throw AvroDataError(
                        message: "Expected field name not found: \(f.name) at \(path.isEmpty ? "/" : path)")
                }
                out.append(try value(x, f.type, lenient: lenient, path: path + "/" + f.name))
            }
            return .record(out)
        case (.union(let branches), _):
            if case .null = j, let i = branches.firstIndex(where: { if case .null = $0 { true } else { false } }) {
                return .union(i, .null)
            }
            if case .object(let o) = j, o.members.count == 1,
                let i = branches.firstIndex(where: { Self.branchName($0) == o.members[0].key })
            {
                return .union(i, try value(o.members[0].value, branches[i], lenient: lenient, path: path))
            }
            if lenient {
                for (i, b) in branches.enumerated() {
                    if let v = try? value(j, b, lenient: true, path: path) { return .union(i, v) }
                }
            }
            throw AvroDataError(
                message: "Expected start-union at \(path.isEmpty ? "/" : path), got \(JSONWriter.string(j))")
        default:
            throw bad()
        }
    }

    /// A union branch's label in the JSON encoding: the type name, or a named type's full name.
    static func branchName(_ s: AvroSchema) -> String {
        switch s {
        case .record(let n, let ns, _, _, _, _, _), .enum(let n, let ns, _, _, _, _, _),
            .fixed(let n, let ns, _, _, _, _):
            return AvroSchemaParser.fullname(n, ns)
        case .reference(let n): return n
        case .annotated(let b, _): return branchName(b)
        case .array: return "array"
        case .map: return "map"
        default: return s.json.replacing("\"", with: "")
        }
    }
}

extension AvroSchema {
    var isFixed: Bool {
        if case .fixed = self { return true }
        return false
    }
}
