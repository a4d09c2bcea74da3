/// Thrift's compact protocol, the encoding of Parquet's page headers and file footer: field headers
/// carry the delta from the previous field id, integers are zigzag varints, structs end with a stop byte.
struct ThriftCompactWriter {
    enum FieldType: UInt8 {
        case boolTrue = 1
        case boolFalse = 2
        case i32 = 5
        case i64 = 6
        case binary = 8
        case list = 9
        case `struct` = 12
    }

    private(set) var bytes: [UInt8] = []
    /// The last field id written, per open struct.
    private var lastIds: [Int16] = [0]

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = id - lastIds[lastIds.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(UInt64(zigzag(Int64(id))))
        }
        lastIds[lastIds.count - 1] = id
    }

    private func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    private mutating func varint(_ v: UInt64) { bytes.appendVarint(v) }

    mutating func i32(_ id: Int16, _ v: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(v)))
    }

    mutating func i64(_ id: Int16, _ v: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(v))
    }

    mutating func bool(_ id: Int16, _ v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }

    mutating func binary(_ id: Int16, _ b: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    mutating func string(_ id: Int16, _ s: String) {
        fieldHeader(id, .binary)
        varint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    /// A struct-valued field; `body` writes its fields.
    mutating func `struct`(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .struct)
        structBody(body)
    }

    private mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
        lastIds.append(0)
        body(&self)
        bytes.append(0)  // stop
        lastIds.removeLast()
    }

    private mutating func listHeader(_ id: Int16, _ count: Int, _ element: FieldType) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func list<T>(_ id: Int16, structs items: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        listHeader(id, items.count, .struct)
        for item in items { structBody { body(&$0, item) } }
    }

    mutating func list(_ id: Int16, i32 items: [Int32]) {
        listHeader(id, items.count, .i32)
        for v in items { varint(zigzag(Int64(v))) }
    }

    mutating func list(_ id: Int16, strings items: [String]) {
        listHeader(id, items.count, .binary)
        for s in items {
            varint(UInt64(s.utf8.count))
            bytes.append(contentsOf: s.utf8)
        }
    }

    /// Ends the outermost struct (the message itself).
    mutating func finish() -> [UInt8] {
        bytes.append(0)
        return bytes
    }
}

extension [UInt8] {
    /// An unsigned LEB128 varint: Thrift's compact integers, RLE run headers, Snappy's length.
    mutating func appendVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }
}
