import Zlib

/// Writes a Parquet file of records without repeated fields (primitives and nested groups): one row
/// group, one PLAIN data page (v1) per leaf column, definition levels RLE-encoded where the column or
/// a group above it is optional, pages compressed with the codec. Rows are kept column by column in
/// memory until `finish()` (an S3 object of `flush.size` records).
public struct ParquetFileWriter: Sendable {
    public let nodes: [ParquetNode]
    public let codec: ParquetCodec
    /// The root group's name (parquet-avro uses the Avro record's name).
    public let messageName: String
    public private(set) var rowCount = 0
    let leaves: [Leaf]
    private(set) var buffers: [ColumnBuffer]

    struct Leaf: Sendable {
        let column: ParquetColumn
        let path: [String]
        /// Optional nodes from the root to the column, the column included.
        let maxDefinitionLevel: Int
    }

    struct ColumnBuffer: Sendable {
        var definitionLevels: [UInt8] = []
        var values: [UInt8] = []
        var bits: [Bool] = []  // booleans, packed when the page is written
        var count = 0
    }

    public struct WrongValue: Error, CustomStringConvertible {
        public let column: String
        public let description: String
    }

    public init(nodes: [ParquetNode], codec: ParquetCodec, messageName: String) {
        self.nodes = nodes
        self.codec = codec
        self.messageName = messageName
        var leaves: [Leaf] = []
        func collect(_ nodes: [ParquetNode], _ path: [String], _ level: Int) {
            for n in nodes {
                switch n {
                case .column(let c):
                    leaves.append(
                        Leaf(column: c, path: path + [c.name], maxDefinitionLevel: level + (c.optional ? 1 : 0)))
                case .group(let name, let optional, let children):
                    collect(children, path + [name], level + (optional ? 1 : 0))
                }
            }
        }
        collect(nodes, [], 0)
        self.leaves = leaves
        buffers = Array(repeating: ColumnBuffer(), count: leaves.count)
    }

    /// A flat schema: one column per field.
    public init(columns: [ParquetColumn], codec: ParquetCodec, messageName: String) {
        self.init(nodes: columns.map { .column($0) }, codec: codec, messageName: messageName)
    }

    /// Appends one flat row, a value per column.
    public mutating func append(_ row: [ParquetValue]) throws(WrongValue) {
        try append(fields: row.map { .value($0) })
    }

    /// Appends one row, a field per top-level node. Checked first, so a row that does not fit leaves the
    /// file as it was.
    public mutating func append(fields row: [ParquetField]) throws(WrongValue) {
        var leafIndex = 0
        try walk(nodes, row, 0, &leafIndex, write: false)
        leafIndex = 0
        try walk(nodes, row, 0, &leafIndex, write: true)
        rowCount += 1
    }

    /// Visits the leaves under `nodes` with their definition levels; `write` appends them.
    private mutating func walk(
        _ nodes: [ParquetNode], _ fields: [ParquetField]?, _ level: Int, _ leaf: inout Int, write: Bool
    ) throws(WrongValue) {
        if let fields, fields.count != nodes.count {
            throw WrongValue(column: "", description: "expected \(nodes.count) values, got \(fields.count)")
        }
        for (i, node) in nodes.enumerated() {
            switch node {
            case .column(let c):
                // Under a null group every column is null at the group's level.
                var value = ParquetValue.null
                if let fields {
                    guard case .value(let v) = fields[i] else {
                        throw WrongValue(column: c.name, description: "a group where the column \(c.name) is")
                    }
                    value = v
                    try Self.check(v, c)
                }
                if write {
                    let present = !value.isNull
                    Self.append(
                        value, definitionLevel: level + (present && c.optional ? 1 : 0), leaves[leaf],
                        to: &buffers[leaf])
                }
                leaf += 1
            case .group(let name, let optional, let children):
                var childFields: [ParquetField]? = nil
                if let fields {
                    guard case .group(let fs) = fields[i] else {
                        throw WrongValue(column: name, description: "a value where the group \(name) is")
                    }
                    if fs == nil && !optional {
                        throw WrongValue(column: name, description: "null in the required group \(name)")
                    }
                    childFields = fs
                }
                let present = childFields != nil
                try walk(children, childFields, level + (present && optional ? 1 : 0), &leaf, write: write)
            }
        }
    }

    private static func check(_ v: ParquetValue, _ c: ParquetColumn) throws(WrongValue) {
        let ok: Bool
        switch (v, c.type) {
        case (.null, _): ok = c.optional
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
            (.string, .byteArray), (.bytes, .byteArray):
            ok = true
        default: ok = false
        }
        if !ok {
            throw WrongValue(
                column: c.name,
                description: v.isNull
                    ? "null in the required column \(c.name)" : "a \(v.kind) value in the \(c.type) column \(c.name)")
        }
    }

    private static func append(_ v: ParquetValue, definitionLevel: Int, _ leaf: Leaf, to b: inout ColumnBuffer) {
        b.count += 1
        if leaf.maxDefinitionLevel > 0 { b.definitionLevels.append(UInt8(definitionLevel)) }
        switch v {
        case .null: return
        case .boolean(let x): b.bits.append(x)
        case .int32(let x): withUnsafeBytes(of: x.littleEndian) { b.values.append(contentsOf: $0) }
        case .int64(let x): withUnsafeBytes(of: x.littleEndian) { b.values.append(contentsOf: $0) }
        case .float(let x): withUnsafeBytes(of: x.bitPattern.littleEndian) { b.values.append(contentsOf: $0) }
        case .double(let x): withUnsafeBytes(of: x.bitPattern.littleEndian) { b.values.append(contentsOf: $0) }
        case .string(let s):
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { b.values.append(contentsOf: $0) }
            b.values.append(contentsOf: s.utf8)
        case .bytes(let bytes):
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { b.values.append(contentsOf: $0) }
            b.values.append(contentsOf: bytes)
        }
    }

    /// The whole file: `PAR1`, the column chunks, the footer, its length, `PAR1`.
    public func finish(createdBy: String) -> [UInt8] {
        var out: [UInt8] = Array("PAR1".utf8)
        var chunks: [(offset: Int64, uncompressed: Int64, compressed: Int64, values: Int)] = []
        for (leaf, b) in zip(leaves, buffers) {
            let body = Self.pageBody(leaf, b)
            let data = compress(body)
            var header = ThriftCompactWriter()
            header.i32(1, 0)  // DATA_PAGE
            header.i32(2, Int32(body.count))
            header.i32(3, Int32(data.count))
            header.struct(5) { h in
                h.i32(1, Int32(b.count))
                h.i32(2, 0)  // PLAIN
                h.i32(3, 3)  // RLE definition levels
                h.i32(4, 3)  // RLE repetition levels (none: nothing repeats)
            }
            let headerBytes = header.finish()
            chunks.append(
                (
                    Int64(out.count), Int64(headerBytes.count + body.count), Int64(headerBytes.count + data.count),
                    b.count
                ))
            out += headerBytes
            out += data
        }
        var footer = ThriftCompactWriter()
        footer.i32(1, 1)  // version
        footer.list(2, structs: Self.schemaElements(nodes, root: messageName)) { w, e in
            switch e {
            case .group(let name, let optional, let children):
                if let optional { w.i32(3, optional ? 1 : 0) }
                w.string(4, name)
                w.i32(5, Int32(children))
            case .column(let column):
                w.i32(1, column.type.rawValue)
                w.i32(3, column.optional ? 1 : 0)
                w.string(4, column.name)
                if let a = column.annotation {
                    w.i32(6, a.convertedType)
                    if case .decimal(let precision, let scale) = a {
                        w.i32(7, scale)
                        w.i32(8, precision)
                    }
                }
            }
        }
        footer.i64(3, Int64(rowCount))
        footer.list(4, structs: [()]) { w, _ in
            w.list(1, structs: Array(zip(leaves, chunks))) { w, pair in
                let (leaf, chunk) = pair
                w.i64(2, chunk.offset)
                w.struct(3) { m in
                    m.i32(1, leaf.column.type.rawValue)
                    m.list(2, i32: [0, 3])  // PLAIN, RLE
                    m.list(3, strings: leaf.path)
                    m.i32(4, codec.rawValue)
                    m.i64(5, Int64(chunk.values))
                    m.i64(6, chunk.uncompressed)
                    m.i64(7, chunk.compressed)
                    m.i64(9, chunk.offset)
                }
            }
            w.i64(2, chunks.reduce(0) { $0 + $1.uncompressed })
            w.i64(3, Int64(rowCount))
        }
        footer.string(6, createdBy)
        let footerBytes = footer.finish()
        out += footerBytes
        withUnsafeBytes(of: UInt32(footerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out += Array("PAR1".utf8)
        return out
    }

    private enum SchemaElement {
        /// `optional` nil for the root.
        case group(name: String, optional: Bool?, children: Int)
        case column(ParquetColumn)
    }

    /// The schema tree in depth-first order, the root first.
    private static func schemaElements(_ nodes: [ParquetNode], root: String) -> [SchemaElement] {
        var out: [SchemaElement] = [.group(name: root, optional: nil, children: nodes.count)]
        func visit(_ nodes: [ParquetNode]) {
            for n in nodes {
                switch n {
                case .column(let c): out.append(.column(c))
                case .group(let name, let optional, let children):
                    out.append(.group(name: name, optional: optional, children: children.count))
                    visit(children)
                }
            }
        }
        visit(nodes)
        return out
    }

    /// Definition levels (where any are possible: 4-byte length, then RLE runs, one byte per value),
    /// then the values.
    static func pageBody(_ leaf: Leaf, _ b: ColumnBuffer) -> [UInt8] {
        var body: [UInt8] = []
        if leaf.maxDefinitionLevel > 0 {
            var levels: [UInt8] = []
            var i = 0
            while i < b.definitionLevels.count {
                var j = i
                while j < b.definitionLevels.count && b.definitionLevels[j] == b.definitionLevels[i] { j += 1 }
                var header = UInt64(j - i) << 1  // an RLE run: count, then the value in one byte
                while header >= 0x80 {
                    levels.append(UInt8(header & 0x7F) | 0x80)
                    header >>= 7
                }
                levels.append(UInt8(header))
                levels.append(b.definitionLevels[i])
                i = j
            }
            withUnsafeBytes(of: UInt32(levels.count).littleEndian) { body.append(contentsOf: $0) }
            body += levels
        }
        if leaf.column.type == .boolean {
            var byte: UInt8 = 0
            for (i, bit) in b.bits.enumerated() {
                if bit { byte |= 1 << UInt8(i % 8) }
                if i % 8 == 7 {
                    body.append(byte)
                    byte = 0
                }
            }
            if b.bits.count % 8 != 0 { body.append(byte) }
        } else {
            body += b.values
        }
        return body
    }

    private func compress(_ body: [UInt8]) -> [UInt8] {
        switch codec {
        case .uncompressed: return body
        case .snappy: return Snappy.compress(body)
        case .gzip:
            let gz = GzipWriter()
            gz.write(body)
            gz.finish()
            return gz.output
        }
    }
}

extension ParquetValue {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var kind: String {
        switch self {
        case .null: return "null"
        case .boolean: return "boolean"
        case .int32: return "int32"
        case .int64: return "int64"
        case .float: return "float"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        }
    }
}
