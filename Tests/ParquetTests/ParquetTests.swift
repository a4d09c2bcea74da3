import CZlib
import Codecs
import Testing

@testable import Parquet

@Suite struct ParquetTests {
    /// Snappy's decoder, for the round trips (readers of the files use their own).
    static func unsnappy(_ input: [UInt8]) throws -> [UInt8] {
        struct Corrupt: Error {}
        var i = 0
        var length = 0
        var shift = 0
        while true {
            let b = input[i]
            i += 1
            length |= Int(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        var out: [UInt8] = []
        while i < input.count {
            let tag = input[i]
            i += 1
            switch tag & 3 {
            case 0:
                var n = Int(tag >> 2)
                if n >= 60 {
                    let extra = n - 59
                    n = 0
                    for k in 0..<extra { n |= Int(input[i + k]) << (8 * k) }
                    i += extra
                }
                n += 1
                out += input[i..<i + n]
                i += n
            case 1:
                let len = Int((tag >> 2) & 7) + 4
                let offset = Int(tag >> 5) << 8 | Int(input[i])
                i += 1
                guard offset > 0, offset <= out.count else { throw Corrupt() }
                for _ in 0..<len { out.append(out[out.count - offset]) }
            case 2:
                let len = Int(tag >> 2) + 1
                let offset = Int(input[i]) | Int(input[i + 1]) << 8
                i += 2
                guard offset > 0, offset <= out.count else { throw Corrupt() }
                for _ in 0..<len { out.append(out[out.count - offset]) }
            default: throw Corrupt()
            }
        }
        guard out.count == length else { throw Corrupt() }
        return out
    }

    @Test func snappyRoundTripsAndCompressesRepetitiveData() throws {
        var rows: [UInt8] = []
        for i in 0..<20_000 { rows += Array("{\"id\":\(i),\"name\":\"station \(i % 97)\"}".utf8) }
        let compressed = try Snappy.compress(rows)
        #expect(try Self.unsnappy(compressed) == rows)
        #expect(compressed.count < rows.count / 3)
        var random = SystemRandomNumberGenerator()
        let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(try Self.unsnappy(Snappy.compress(noise)) == noise)
        #expect(try Self.unsnappy(Snappy.compress([])) == [])
        #expect(
            try Self.unsnappy(Snappy.compress(Array(repeating: 7, count: 1000))) == Array(repeating: 7, count: 1000))
    }

    @Test func thriftCompactEncodesFieldDeltasZigzagAndLists() {
        var w = ThriftCompactWriter()
        w.i32(1, -1)
        w.i64(20, 300)  // a jump of more than 15: long form
        w.list(21, strings: ["a"])
        w.bool(22, true)
        #expect(
            w.finish() == [0x15, 0x01, 0x06, 0x28, 0xD8, 0x04, 0x19, 0x18, 0x01, 0x61, 0x11, 0x00])
    }

    @Test func fileHasMagicFooterAndOneRowPerAppend() throws {
        var f = ParquetFileWriter(
            columns: [
                ParquetColumn(name: "id", type: .int64, optional: false),
                ParquetColumn(name: "name", type: .byteArray, optional: true, annotation: .utf8),
                ParquetColumn(name: "ok", type: .boolean, optional: false),
            ], codec: .snappy, messageName: "row")
        try f.append([.int64(1), .string("a"), .boolean(true)])
        try f.append([.int64(2), .null, .boolean(false)])
        #expect(throws: ParquetFileWriter.WrongValue.self) { try f.append([.null, .null, .boolean(true)]) }
        #expect(throws: ParquetFileWriter.WrongValue.self) { try f.append([.string("x"), .null, .boolean(true)]) }
        #expect(f.rowCount == 2)
        #expect(f.largestColumnBytes == 2 * 8)  // id: two INT64s; name: 4 + 1 bytes
        let bytes = try f.finish(createdBy: "test")
        #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8))
        let footerLength = bytes[bytes.count - 8..<bytes.count - 4].enumerated().reduce(0) {
            $0 | Int($1.element) << (8 * $1.offset)
        }
        #expect(footerLength > 0 && footerLength < bytes.count - 12)
        // Definition levels of [1, 0]: two RLE runs of one.
        let body = ParquetFileWriter.pageBody(
            f.leaves[1], .init(definitionLevels: [1, 0], values: [], bits: [], count: 2))
        #expect(body == [4, 0, 0, 0, 2, 1, 2, 0])
    }

    // Every codec: the first column's page, found through its page header, decompresses to the page body.
    /// A flat schema's rows skip the striping: the file is byte for byte the one the striping writes,
    /// and a row with a wrong value is refused by both, leaving the file as it was.
    @Test func flatRowsWriteTheSameFileAsTheStriping() throws {
        let columns = [
            ParquetColumn(name: "id", type: .int64, optional: false),
            ParquetColumn(name: "name", type: .byteArray, optional: true, annotation: .utf8),
            ParquetColumn(name: "amount", type: .double, optional: true),
            ParquetColumn(name: "n", type: .int32, optional: false),
            ParquetColumn(name: "ok", type: .boolean, optional: true),
            ParquetColumn(name: "raw", type: .byteArray, optional: true),
        ]
        var flat = ParquetFileWriter(columns: columns, codec: .snappy, messageName: "row")
        var striped = ParquetFileWriter(columns: columns, codec: .snappy, messageName: "row")
        #expect(flat.isFlat)
        for i in 0..<500 {
            let row: [ParquetValue] = [
                .int64(Int64(i) * 7 - 900), i % 5 == 0 ? .null : .string("name \(i)"),
                i % 3 == 0 ? .null : .double(Double(i) / 3), .int32(Int32(i % 17)),
                i % 4 == 0 ? .null : .boolean(i % 2 == 0), i % 6 == 0 ? .null : .bytes([UInt8(i % 256), 1]),
            ]
            try flat.append(row)
            try striped.append(fields: row.map { .value($0) })
        }
        let wrong: [ParquetValue] = [.int64(1), .null, .null, .null, .null, .null]  // n is required
        #expect(throws: ParquetFileWriter.WrongValue.self) { try flat.append(wrong) }
        #expect(throws: ParquetFileWriter.WrongValue.self) { try striped.append(fields: wrong.map { .value($0) }) }
        #expect(flat.rowCount == 500)
        #expect(try flat.finish(createdBy: "test") == striped.finish(createdBy: "test"))
    }

    @Test func pagesDecompressWithTheirCodec() throws {
        let columns = [ParquetColumn(name: "name", type: .byteArray, optional: false, annotation: .utf8)]
        for codec in ParquetCodec.allCases {
            var f = ParquetFileWriter(columns: columns, codec: codec, messageName: "row")
            for i in 0..<5000 { try f.append([.string("station \(i % 13)")]) }
            let body = ParquetFileWriter.pageBody(f.leaves[0], f.buffers[0])
            let bytes = try f.finish(createdBy: "test")
            // The page header (Thrift compact): type, uncompressed size, compressed size, then the
            // data page header struct of four i32 fields; each field a one-byte header and a zigzag varint.
            var at = 4
            func varint() -> Int {
                var v = 0
                var shift = 0
                while true {
                    let b = bytes[at]
                    at += 1
                    v |= Int(b & 0x7F) << shift
                    shift += 7
                    if b < 0x80 { return v >> 1 ^ -(v & 1) }
                }
            }
            var sizes: [Int] = []
            for _ in 0..<3 {
                at += 1
                sizes.append(varint())
            }
            at += 1  // the struct's field header
            for _ in 0..<4 {
                at += 1
                _ = varint()
            }
            at += 2  // the struct's stop, the header's stop
            #expect(sizes[1] == body.count)
            let data = Array(bytes[at..<(at + sizes[2])])
            let decompressed: [UInt8]
            switch codec {
            case .uncompressed: decompressed = data
            case .snappy: decompressed = try Snappy.uncompress(data)
            case .gzip: decompressed = try Self.gunzip(data)
            case .zstd: decompressed = try Zstd.decompress(data)
            case .lz4: decompressed = try LZ4.decompressHadoop(data)
            case .lz4Raw: decompressed = try LZ4.decompressBlock(data, size: body.count)
            }
            #expect(decompressed == body, "\(codec)")
            if codec != .uncompressed { #expect(data.count < body.count / 4, "\(codec)") }
        }
    }

    /// zlib reads one gzip member: the reference decoder for gzip pages.
    static func gunzip(_ member: [UInt8]) throws -> [UInt8] {
        struct Failed: Error { let code: Int32 }
        var s = z_stream()
        guard tz_inflate_init2(&s, 15 + 16) == Z_OK else { throw Failed(code: -1) }
        defer { inflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: 1 << 22)
        let rc = member.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                s.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                s.avail_in = uInt(src.count)
                s.next_out = dst.baseAddress
                s.avail_out = uInt(dst.count)
                return inflate(&s, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw Failed(code: rc) }
        return Array(out[0..<Int(s.total_out)])
    }

    @Test func nestedGroupsGiveDefinitionLevelsCountingPresentOptionalNodes() throws {
        let inner = ParquetNode.group(
            name: "after", optional: true,
            children: [
                .column(ParquetColumn(name: "id", type: .int32, optional: false)),
                .column(ParquetColumn(name: "city", type: .byteArray, optional: true, annotation: .utf8)),
            ])
        var f = ParquetFileWriter(
            nodes: [inner, .column(ParquetColumn(name: "op", type: .byteArray, optional: false))], codec: .uncompressed,
            messageName: "Envelope")
        #expect(f.leaves.map(\.path) == [["after", "id"], ["after", "city"], ["op"]])
        #expect(f.leaves.map(\.maxDefinitionLevel) == [1, 2, 0])
        try f.append(fields: [.group([.value(.int32(1)), .value(.string("Oakland"))]), .value(.string("c"))])
        try f.append(fields: [.group([.value(.int32(1)), .value(.null)]), .value(.string("u"))])
        try f.append(fields: [.group(nil), .value(.string("d"))])
        // A required column inside a present group must have a value; a required group cannot be null.
        #expect(throws: ParquetFileWriter.WrongValue.self) {
            try f.append(fields: [.group([.value(.null), .value(.null)]), .value(.string("x"))])
        }
        #expect(f.rowCount == 3)
        // city: present (2), null in a present group (1), under a null group (0); id: 1, 1, 0; op: none.
        #expect(f.buffers.map(\.definitionLevels) == [[1, 1, 0], [2, 1, 0], []])
        #expect(f.buffers.map(\.count) == [3, 3, 3])
        let city = ParquetFileWriter.pageBody(f.leaves[1], f.buffers[1])
        #expect(Array(city.prefix(10)) == [6, 0, 0, 0, 2, 2, 2, 1, 2, 0])
        #expect(try !f.finish(createdBy: "test").isEmpty)
    }

    /// Dremel's example shape: a list of lists; each entry's repetition level says which list it starts.
    @Test func listsOfListsGetRepetitionLevels() throws {
        let grid = ParquetNode.list(
            name: "grid", optional: false,
            element: .list(
                name: "element", optional: false,
                element: .column(ParquetColumn(name: "element", type: .int32, optional: false))))
        var f = ParquetFileWriter(nodes: [grid], codec: .uncompressed, messageName: "row")
        #expect(f.leaves[0].path == ["grid", "list", "element", "list", "element"])
        #expect(f.leaves[0].maxRepetitionLevel == 2 && f.leaves[0].maxDefinitionLevel == 2)
        try f.append(fields: [
            .list([.list([.value(.int32(1)), .value(.int32(2))]), .list([]), .list([.value(.int32(3))])])
        ])
        try f.append(fields: [.list([])])
        #expect(throws: ParquetFileWriter.WrongValue.self) { try f.append(fields: [.list(nil)]) }  // required
        #expect(f.buffers[0].repetitionLevels == [0, 2, 1, 1, 0])
        #expect(f.buffers[0].definitionLevels == [2, 2, 1, 2, 0])
        #expect(f.buffers[0].values.count == 3 * 4)

        let attrs = ParquetNode.map(
            name: "attrs", optional: true,
            key: ParquetColumn(name: "key", type: .byteArray, optional: false, annotation: .utf8),
            value: .column(ParquetColumn(name: "value", type: .int32, optional: true)))
        var m = ParquetFileWriter(nodes: [attrs], codec: .uncompressed, messageName: "row")
        try m.append(fields: [.map([(.string("a"), .value(.int32(1))), (.string("b"), .value(.null))])])
        try m.append(fields: [.map(nil)])
        try m.append(fields: [.map([])])
        #expect(m.buffers.map(\.repetitionLevels) == [[0, 1, 0, 0], [0, 1, 0, 0]])
        #expect(m.buffers.map(\.definitionLevels) == [[2, 2, 0, 1], [3, 2, 0, 1]])
    }

    @Test func statisticsFollowEachTypesSortOrder() {
        var i = ParquetFileWriter.Statistics()
        for v: ParquetValue in [.int32(5), .null, .int32(-7), .int32(3)] { i.note(v, utf8: false) }
        #expect(i.nulls == 1)
        #expect(i.bounds(.int32)! == ([0xF9, 0xFF, 0xFF, 0xFF], [5, 0, 0, 0]))
        var d = ParquetFileWriter.Statistics()
        for v: ParquetValue in [.double(.nan), .double(0), .double(2)] { d.note(v, utf8: false) }
        let lo = d.bounds(.double)!.min
        // NaN is left out, and -0.0 is the minimum.
        #expect(lo == withUnsafeBytes(of: (-0.0).bitPattern.littleEndian) { Array($0) })
        var t = ParquetFileWriter.Statistics()
        for v: ParquetValue in [.string("b"), .string("é"), .string("ab"), .string("a")] { t.note(v, utf8: true) }
        // Unsigned bytes: "é" (0xC3 0xA9) sorts after every ASCII string.
        #expect(t.bounds(.byteArray)! == (Array("a".utf8), Array("é".utf8)))
        var none = ParquetFileWriter.Statistics()
        none.note(.null, utf8: false)
        #expect(none.bounds(.int32) == nil)
    }

    @Test func stringBoundsReplacedInPlaceStayExact() {
        // Rising strings replace the maximum at every row, kept in the bound's own storage: a shorter
        // string after a longer one must not keep the longer one's tail.
        var t = ParquetFileWriter.Statistics()
        for v: ParquetValue in [.string("m"), .string("mzzzz"), .string("n"), .string("0123"), .string("01")] {
            t.note(v, utf8: true)
        }
        #expect(t.bounds(.byteArray)! == (Array("01".utf8), Array("n".utf8)))
        var binary = ParquetFileWriter.Statistics()
        binary.note(.string("x"), utf8: false)
        #expect(binary.bounds(.byteArray) == nil)
    }

    @Test func largestColumnBytesFollowsTheRows() throws {
        var w = ParquetFileWriter(
            columns: [
                ParquetColumn(name: "id", type: .int64, optional: false),
                ParquetColumn(name: "s", type: .byteArray, optional: true, annotation: .utf8),
            ], codec: .uncompressed, messageName: "row")
        #expect(w.largestColumnBytes == 0)
        try w.append([.int64(1), .null])
        #expect(w.largestColumnBytes == 8)
        try w.append([.int64(2), .string("0123456789")])
        #expect(w.largestColumnBytes == 16)  // the strings' 4 + 10 bytes are fewer than the ids' 16
        try w.append([.int64(3), .string("0123456789")])
        #expect(w.largestColumnBytes == 28)
        var nested = ParquetFileWriter(
            nodes: [
                .group(
                    name: "g", optional: true,
                    children: [.column(ParquetColumn(name: "x", type: .int32, optional: false))])
            ],
            codec: .uncompressed, messageName: "row")
        try nested.append(fields: [.group([.value(.int32(7))])])
        #expect(nested.largestColumnBytes == 4)
    }
}
