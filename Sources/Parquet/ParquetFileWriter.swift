import Codecs

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a Parquet file (primitives, nested groups, lists and maps): one row group, one PLAIN data page
/// (v1) per leaf column with its repetition and definition levels RLE-encoded (Dremel's striping),
/// pages compressed with the codec. Rows are kept column by column in
/// memory until `finish()` (an S3 object of `flush.size` records).
public struct ParquetFileWriter: Sendable {
    public let nodes: [ParquetNode]
    public let codec: ParquetCodec
    /// The root group's name (parquet-avro uses the Avro record's name).
    public let messageName: String
    public private(set) var rowCount = 0
    let leaves: [Leaf]
    /// What an entry needs of each leaf, without its names: the per-record loop reads these, where
    /// copying a `Leaf` out of its array retained its names (twice per column and row).
    private let shapes: [LeafShape]
    private(set) var buffers: [ColumnBuffer]
    /// The bytes of values in the largest column so far (kept as rows are appended: the S3 sink asks
    /// after every record whether the file is full).
    public private(set) var largestColumnBytes = 0
    /// Every top-level node is a column (no groups, lists or maps): `append(_:)` takes a row as values.
    public let isFlat: Bool

    struct Leaf: Sendable {
        let column: ParquetColumn
        let path: [String]
        /// Optional and repeated nodes from the root to the column, the column included.
        let maxDefinitionLevel: Int
        /// Repeated nodes (lists, maps) from the root to the column.
        let maxRepetitionLevel: Int
    }

    struct LeafShape: Sendable {
        let type: ParquetColumn.PhysicalType
        let optional: Bool
        let hasRepetitionLevels: Bool
        let hasDefinitionLevels: Bool
        /// A UTF-8 column: its statistics keep the least and greatest string.
        let utf8: Bool

        init(_ leaf: Leaf) {
            type = leaf.column.type
            optional = leaf.column.optional
            hasRepetitionLevels = leaf.maxRepetitionLevel > 0
            hasDefinitionLevels = leaf.maxDefinitionLevel > 0
            utf8 = leaf.column.annotation == .utf8
        }
    }

    struct ColumnBuffer: Sendable {
        var repetitionLevels: [UInt8] = []
        var definitionLevels: [UInt8] = []
        var values: [UInt8] = []
        var bits: [Bool] = []  // booleans, packed when the page is written
        var count = 0
        var statistics = Statistics()
    }

    /// What readers use to skip files (Athena, Spark, pyarrow filters): nulls, and the least and greatest
    /// value of integer (also Date, Time, Timestamp), floating-point and UTF-8 columns in Parquet's
    /// sort order for the type (signed; IEEE without NaN; unsigned bytes).
    struct Statistics: Sendable {
        var nulls = 0
        var minInt = Int64.max, maxInt = Int64.min
        var minDouble = Double.infinity, maxDouble = -Double.infinity
        var minBytes: [UInt8]?, maxBytes: [UInt8]?
        var sawNumber = false

        mutating func note(_ v: ParquetValue, utf8: Bool) {
            switch v {
            case .null: nulls += 1
            case .int32(let x): note(Int64(x))
            case .int64(let x): note(x)
            case .float(let x): note(Double(x))
            case .double(let x): note(x)
            case .string(let s) where utf8:
                if s.utf8.withContiguousStorageIfAvailable({ note($0) }) == nil {
                    var s = s
                    s.withUTF8 { note($0) }
                }
            default: break
            }
        }

        private mutating func note(_ x: Int64) {
            minInt = Swift.min(minInt, x)
            maxInt = Swift.max(maxInt, x)
            sawNumber = true
        }

        private mutating func note(_ x: Double) {
            guard !x.isNaN else { return }
            minDouble = Swift.min(minDouble, x)
            maxDouble = Swift.max(maxDouble, x)
            sawNumber = true
        }

        private mutating func note(_ bytes: UnsafeBufferPointer<UInt8>) {
            if minBytes.map({ m in m.withUnsafeBufferPointer { Self.less(bytes, $0) } }) ?? true {
                Self.replace(&minBytes, with: bytes)
            }
            if maxBytes.map({ m in m.withUnsafeBufferPointer { Self.less($0, bytes) } }) ?? true {
                Self.replace(&maxBytes, with: bytes)
            }
        }

        /// In the bound's own storage where it fits: a column of rising strings (keys, timestamps as
        /// text) has a new maximum at every row.
        private static func replace(_ bound: inout [UInt8]?, with bytes: UnsafeBufferPointer<UInt8>) {
            if bound == nil { bound = [] }
            bound!.removeAll(keepingCapacity: true)
            bound!.append(contentsOf: bytes)
        }

        /// Unsigned byte-wise order, a prefix first.
        private static func less(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
            let n = Swift.min(a.count, b.count)
            let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
            return c < 0 || (c == 0 && a.count < b.count)
        }

        /// The min and max as PLAIN-encoded bytes (no length prefix), if the column has them.
        func bounds(_ type: ParquetColumn.PhysicalType) -> (min: [UInt8], max: [UInt8])? {
            func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            switch type {
            case .int32 where sawNumber: return (le(Int32(minInt)), le(Int32(maxInt)))
            case .int64 where sawNumber: return (le(minInt), le(maxInt))
            // Zeros as the specification asks: -0.0 as a minimum, +0.0 as a maximum.
            case .float where sawNumber:
                let lo = minDouble == 0 ? -0.0 : Float(minDouble)
                let hi = maxDouble == 0 ? 0.0 : Float(maxDouble)
                return (le(lo.bitPattern), le(hi.bitPattern))
            case .double where sawNumber:
                let lo = minDouble == 0 ? -0.0 : minDouble
                let hi = maxDouble == 0 ? 0.0 : maxDouble
                return (le(lo.bitPattern), le(hi.bitPattern))
            case .byteArray:
                guard let minBytes, let maxBytes else { return nil }
                return (minBytes, maxBytes)
            default: return nil
            }
        }
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
        func collect(_ node: ParquetNode, _ path: [String], _ def: Int, _ rep: Int) {
            switch node {
            case .column(let c):
                leaves.append(
                    Leaf(
                        column: c, path: path + [c.name], maxDefinitionLevel: def + (c.optional ? 1 : 0),
                        maxRepetitionLevel: rep))
            case .group(let name, let optional, let children):
                for child in children { collect(child, path + [name], def + (optional ? 1 : 0), rep) }
            case .list(let name, let optional, let element):
                collect(element, path + [name, "list"], def + (optional ? 1 : 0) + 1, rep + 1)
            case .map(let name, let optional, let key, let value):
                let inner = path + [name, "key_value"]
                let d = def + (optional ? 1 : 0) + 1
                collect(.column(key), inner, d, rep + 1)
                collect(value, inner, d, rep + 1)
            }
        }
        for n in nodes { collect(n, [], 0, 0) }
        self.leaves = leaves
        shapes = leaves.map(LeafShape.init)
        isFlat = nodes.allSatisfy { if case .column = $0 { true } else { false } }
        buffers = Array(repeating: ColumnBuffer(), count: leaves.count)
    }

    /// A flat schema: one column per field.
    public init(columns: [ParquetColumn], codec: ParquetCodec, messageName: String) {
        self.init(nodes: columns.map { .column($0) }, codec: codec, messageName: messageName)
    }

    /// Appends one flat row, a value per column.
    public mutating func append(_ row: [ParquetValue]) throws(WrongValue) {
        guard isFlat else { return try append(fields: row.map { .value($0) }) }
        guard row.count == leaves.count else {
            throw WrongValue(column: "", description: "expected \(leaves.count) values, got \(row.count)")
        }
        try checkColumnSizes()
        // Every top-level node is a column: no striping, no field per value, and the leaves and buffers
        // reached in place (copying a leaf out of its array retained its names).
        if let bad = row.withUnsafeBufferPointer({ values in
            shapes.withUnsafeBufferPointer { shapes in
                values.indices.first { !Self.fits(values[$0], shapes[$0].type, optional: shapes[$0].optional) }
            }
        }) {
            try Self.check(row[bad], leaves[bad].column)
        }
        largestColumnBytes = row.withUnsafeBufferPointer { values in
            shapes.withUnsafeBufferPointer { shapes in
                buffers.withUnsafeMutableBufferPointer { buffers in
                    var largest = largestColumnBytes
                    for i in values.indices {
                        let definition = values[i].isNull || !shapes[i].optional ? 0 : 1
                        Self.entry(0, definition, values[i], shapes[i], &buffers[i])
                        largest = Swift.max(largest, buffers[i].values.count)
                    }
                    return largest
                }
            }
        }
        rowCount += 1
    }

    /// Appends one row, a field per top-level node. Checked first, so a row that does not fit leaves the
    /// file as it was.
    public mutating func append(fields row: [ParquetField]) throws(WrongValue) {
        guard row.count == nodes.count else {
            throw WrongValue(column: "", description: "expected \(nodes.count) values, got \(row.count)")
        }
        try checkColumnSizes()
        for write in [false, true] {
            var leaf = 0
            for (node, field) in zip(nodes, row) {
                try stripe(node, field, repetition: 0, definition: 0, depth: 0, &leaf, write: write)
            }
        }
        largestColumnBytes = buffers.reduce(0) { Swift.max($0, $1.values.count) }
        rowCount += 1
    }

    /// A page's sizes are 32-bit in Parquet's headers: a file stops taking rows well before that (the
    /// S3 sink commits it once `largestColumnBytes` passes `columnBytesToCommit`).
    private func checkColumnSizes() throws(WrongValue) {
        guard largestColumnBytes > Self.maxColumnBytes else { return }
        if let i = buffers.firstIndex(where: { $0.values.count > Self.maxColumnBytes }) {
            throw WrongValue(
                column: leaves[i].column.name,
                description:
                    "the column \(leaves[i].path.joined(separator: ".")) holds more than \(Self.maxColumnBytes >> 20) MiB in one file"
            )
        }
    }

    /// Where a writer of many rows should finish the file (a quarter of the largest page Parquet allows).
    public static let columnBytesToCommit = 512 << 20

    /// Below Parquet's 2 GiB page limit, with room for the levels and the header.
    static let maxColumnBytes = 1 << 30

    /// Dremel's striping of one node's value: each leaf under it gets an entry (repetition level,
    /// definition level, value if present); `repetition` is the level of the node's first entry, `depth`
    /// the number of repeated nodes above it. Without `write` only the checks run.
    private mutating func stripe(
        _ node: ParquetNode, _ field: ParquetField?, repetition r: Int, definition d: Int, depth: Int,
        _ leaf: inout Int, write: Bool
    ) throws(WrongValue) {
        /// Every leaf under `node` gets a null entry at (r, definition): the node, or one above it, is
        /// null (definition `d`), or it is an empty list or map (defined up to itself).
        func nulls(_ node: ParquetNode, _ leaf: inout Int, definition: Int? = nil) {
            let n = Self.leafCount(node)
            if write { for i in leaf..<leaf + n { Self.entry(r, definition ?? d, .null, shapes[i], &buffers[i]) } }
            leaf += n
        }
        func requiredNull() -> WrongValue {
            WrongValue(column: node.name, description: "null in the required \(node.name)")
        }
        func mismatch(_ what: String) -> WrongValue {
            WrongValue(column: node.name, description: "\(what) where \(node.name) is")
        }
        switch node {
        case .column(let c):
            guard case .value(let v)? = field else {
                if field == nil {
                    nulls(node, &leaf)
                    return
                }
                throw mismatch("a group, list or map")
            }
            try Self.check(v, c)
            if write { Self.entry(r, d + (v.isNull || !c.optional ? 0 : 1), v, shapes[leaf], &buffers[leaf]) }
            leaf += 1
        case .group(_, let optional, let children):
            guard let field else { return nulls(node, &leaf) }
            guard case .group(let fields) = field else { throw mismatch("a value, list or map") }
            guard let fields else {
                if !optional { throw requiredNull() }
                return nulls(node, &leaf)
            }
            guard fields.count == children.count else { throw mismatch("\(fields.count) fields for \(children.count)") }
            for (child, f) in zip(children, fields) {
                try stripe(
                    child, f, repetition: r, definition: d + (optional ? 1 : 0), depth: depth, &leaf, write: write)
            }
        case .list(_, let optional, let element):
            guard let field else { return nulls(node, &leaf) }
            guard case .list(let items) = field else { throw mismatch("a value, group or map") }
            guard let items else {
                if !optional { throw requiredNull() }
                return nulls(node, &leaf)
            }
            let present = d + (optional ? 1 : 0)
            if items.isEmpty { return nulls(node, &leaf, definition: present) }
            let start = leaf
            for (i, item) in items.enumerated() {
                leaf = start
                try stripe(
                    element, item, repetition: i == 0 ? r : depth + 1, definition: present + 1, depth: depth + 1, &leaf,
                    write: write)
            }
        case .map(_, let optional, let key, let value):
            guard let field else { return nulls(node, &leaf) }
            guard case .map(let entries) = field else { throw mismatch("a value, group or list") }
            guard let entries else {
                if !optional { throw requiredNull() }
                return nulls(node, &leaf)
            }
            let present = d + (optional ? 1 : 0)
            if entries.isEmpty { return nulls(node, &leaf, definition: present) }
            let start = leaf
            for (i, e) in entries.enumerated() {
                leaf = start
                let ri = i == 0 ? r : depth + 1
                try stripe(
                    .column(key), .value(e.key), repetition: ri, definition: present + 1, depth: depth + 1, &leaf,
                    write: write)
                try stripe(
                    value, e.value, repetition: ri, definition: present + 1, depth: depth + 1, &leaf, write: write)
            }
        }
    }

    static func leafCount(_ node: ParquetNode) -> Int {
        switch node {
        case .column: return 1
        case .group(_, _, let children): return children.reduce(0) { $0 + leafCount($1) }
        case .list(_, _, let element): return leafCount(element)
        case .map(_, _, _, let value): return 1 + leafCount(value)
        }
    }

    private static func fits(_ v: ParquetValue, _ type: ParquetColumn.PhysicalType, optional: Bool) -> Bool {
        switch (v, type) {
        case (.null, _): return optional
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
            (.string, .byteArray), (.bytes, .byteArray):
            return true
        default: return false
        }
    }

    private static func check(_ v: ParquetValue, _ c: ParquetColumn) throws(WrongValue) {
        if !fits(v, c.type, optional: c.optional) {
            throw WrongValue(
                column: c.name,
                description: v.isNull
                    ? "null in the required column \(c.name)" : "a \(v.kind) value in the \(c.type) column \(c.name)")
        }
    }

    /// One entry of a leaf column: its levels (where the column has any), and the value if present.
    private static func entry(_ r: Int, _ d: Int, _ v: ParquetValue, _ leaf: LeafShape, _ b: inout ColumnBuffer) {
        b.count += 1
        b.statistics.note(v, utf8: leaf.utf8)
        if leaf.hasRepetitionLevels { b.repetitionLevels.append(UInt8(r)) }
        if leaf.hasDefinitionLevels { b.definitionLevels.append(UInt8(d)) }
        switch v {
        case .null: return
        case .boolean(let x): b.bits.append(x)
        case .int32(let x): b.values.appendLittleEndian(x)
        case .int64(let x): b.values.appendLittleEndian(x)
        case .float(let x): b.values.appendLittleEndian(x.bitPattern)
        case .double(let x): b.values.appendLittleEndian(x.bitPattern)
        case .string(let s):
            b.values.appendLittleEndian(UInt32(s.utf8.count))
            b.values.append(contentsOf: s.utf8)
        case .bytes(let bytes):
            b.values.appendLittleEndian(UInt32(bytes.count))
            b.values.append(contentsOf: bytes)
        }
    }

    /// The whole file: `PAR1`, the column chunks, the footer, its length, `PAR1`. Throws when the
    /// codec's library cannot be loaded.
    public func finish(createdBy: String) throws(CodecUnavailable) -> [UInt8] {
        var out: [UInt8] = Array("PAR1".utf8)
        // One gzip compressor for all the file's pages (its tables are costly to set up).
        let deflater = codec == .gzip ? try DeflateCompressor() : nil
        var chunks: [(offset: Int64, uncompressed: Int64, compressed: Int64, values: Int, statistics: Statistics)] = []
        for (leaf, b) in zip(leaves, buffers) {
            let body = Self.pageBody(leaf, b)
            let data = try compress(body, deflater)
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
            let uncompressed = Int64(headerBytes.count + body.count)
            let compressed = Int64(headerBytes.count + data.count)
            chunks.append((Int64(out.count), uncompressed, compressed, b.count, b.statistics))
            out += headerBytes
            out += data
        }
        var footer = ThriftCompactWriter()
        footer.i32(1, 1)  // version
        footer.list(2, structs: Self.schemaElements(nodes, root: messageName)) { w, e in
            switch e {
            case .group(let name, let repetition, let children, let convertedType):
                if let repetition { w.i32(3, repetition) }
                w.string(4, name)
                w.i32(5, Int32(children))
                if let convertedType { w.i32(6, convertedType) }
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
                    m.struct(12) { st in
                        st.i64(3, Int64(chunk.statistics.nulls))
                        if let bounds = chunk.statistics.bounds(leaf.column.type) {
                            st.binary(5, bounds.max)
                            st.binary(6, bounds.min)
                        }
                    }
                }
            }
            w.i64(2, chunks.reduce(0) { $0 + $1.uncompressed })
            w.i64(3, Int64(rowCount))
        }
        footer.string(6, createdBy)
        // Every column sorts by its type's order, which makes min_value/max_value meaningful to readers.
        footer.list(7, structs: leaves) { w, _ in w.struct(1) { _ in } }
        let footerBytes = footer.finish()
        out += footerBytes
        out.appendLittleEndian(UInt32(footerBytes.count))
        out += Array("PAR1".utf8)
        return out
    }

    private enum SchemaElement {
        /// `optional` nil for the root (no repetition), `repeated` for the middle of a list or map.
        case group(name: String, repetition: Int32?, children: Int, convertedType: Int32?)
        case column(ParquetColumn)
    }

    /// The schema tree in depth-first order, the root first.
    private static func schemaElements(_ nodes: [ParquetNode], root: String) -> [SchemaElement] {
        var out: [SchemaElement] = [.group(name: root, repetition: nil, children: nodes.count, convertedType: nil)]
        func visit(_ n: ParquetNode) {
            switch n {
            case .column(let c): out.append(.column(c))
            case .group(let name, let optional, let children):
                out.append(
                    .group(name: name, repetition: optional ? 1 : 0, children: children.count, convertedType: nil))
                children.forEach(visit)
            case .list(let name, let optional, let element):
                out.append(.group(name: name, repetition: optional ? 1 : 0, children: 1, convertedType: 3))  // LIST
                out.append(.group(name: "list", repetition: 2, children: 1, convertedType: nil))
                visit(element)
            case .map(let name, let optional, let key, let value):
                out.append(.group(name: name, repetition: optional ? 1 : 0, children: 1, convertedType: 1))  // MAP
                out.append(.group(name: "key_value", repetition: 2, children: 2, convertedType: nil))
                visit(.column(key))
                visit(value)
            }
        }
        nodes.forEach(visit)
        return out
    }

    /// Repetition levels, then definition levels (each where any are possible: 4-byte length, then RLE
    /// runs, one byte per value), then the values.
    static func pageBody(_ leaf: Leaf, _ b: ColumnBuffer) -> [UInt8] {
        var body: [UInt8] = []
        func levels(_ values: [UInt8]) {
            var out: [UInt8] = []
            var i = 0
            while i < values.count {
                var j = i
                while j < values.count && values[j] == values[i] { j += 1 }
                out.appendVarint(UInt64(j - i) << 1)  // an RLE run: count, then the value in one byte
                out.append(values[i])
                i = j
            }
            body.appendLittleEndian(UInt32(out.count))
            body += out
        }
        if leaf.maxRepetitionLevel > 0 { levels(b.repetitionLevels) }
        if leaf.maxDefinitionLevel > 0 { levels(b.definitionLevels) }
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

    private func compress(_ body: [UInt8], _ deflater: DeflateCompressor?) throws(CodecUnavailable) -> [UInt8] {
        switch codec {
        case .uncompressed: return body
        case .snappy: return try Snappy.compress(body)
        case .gzip: return deflater!.gzip(body)
        case .zstd: return try Zstd.compress(body)
        case .lz4: return try LZ4.compressHadoop(body)
        case .lz4Raw:
            var out: [UInt8] = []
            try LZ4.compressBlock(body, appendingTo: &out)
            return out
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

extension [UInt8] {
    /// Appends an integer's little-endian bytes as a typed buffer: appending the raw bytes of
    /// `withUnsafeBytes(of:)` went through a generic byte-by-byte copy, five times per row.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ x: T) {
        Swift.withUnsafeBytes(of: x.littleEndian) { raw in
            append(
                contentsOf: UnsafeBufferPointer(
                    start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count))
        }
    }
}
