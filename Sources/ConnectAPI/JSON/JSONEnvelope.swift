#if canImport(Glibc)
    import Glibc
#endif

/// Finds the parts of JsonConverter's envelope, `{"schema":…,"payload":…}`, without parsing them: the
/// schema of a topic's records repeats byte for byte in every message, so a converter can recognize it
/// by its bytes and parse only the payload.
///
/// Only the shape JsonConverter writes is recognized (those two members in that order, any whitespace);
/// anything else gives nil, and the caller parses the whole message the general way. The ranges are
/// found by skipping over the schema and taking the rest up to the closing brace as the payload; they are
/// not validated here, so the caller must parse what it uses (a schema it has not seen, and the payload,
/// whose parse also fails when more than one value is there).
public enum JSONEnvelope {
    /// `expectedSchema`: the schema bytes the caller saw last; when the message has them at the schema's
    /// place they are taken as the schema's value without scanning it (a complete JSON object or `null`
    /// is never the start of a longer value).
    public static func ranges(_ raw: UnsafeRawBufferPointer, expectedSchema: UnsafeRawBufferPointer? = nil) -> (
        schema: Range<Int>, payload: Range<Int>
    )? {
        var pos = 0
        func ws() { while pos < raw.count, isSpace(raw[pos]) { pos += 1 } }
        func take(_ byte: UInt8) -> Bool {
            ws()
            guard pos < raw.count, raw[pos] == byte else { return false }
            pos += 1
            return true
        }
        func take(_ word: StaticString) -> Bool {
            ws()
            let n = word.utf8CodeUnitCount
            guard pos + n <= raw.count else { return false }
            for i in 0..<n where raw[pos + i] != word.utf8Start[i] { return false }
            pos += n
            return true
        }
        func value(expected: UnsafeRawBufferPointer? = nil) -> Range<Int>? {
            ws()
            let start = pos
            if let expected, expected.count > 0, start + expected.count <= raw.count,
                memcmp(raw.baseAddress! + start, expected.baseAddress!, expected.count) == 0
            {
                pos = start + expected.count
                return start..<pos
            }
            guard let end = JSONBytes.valueEnd(raw, from: pos) else { return nil }
            pos = end
            return start..<end
        }
        guard take(UInt8(ascii: "{")), take("\"schema\""), take(UInt8(ascii: ":")),
            let schema = value(expected: expectedSchema),
            take(UInt8(ascii: ",")), take("\"payload\""), take(UInt8(ascii: ":"))
        else { return nil }
        // The payload is what lies between here and the closing brace: not scanned, since the caller
        // parses it anyway (and something that is not one JSON value then fails that parse).
        ws()
        var end = raw.count
        while end > pos, isSpace(raw[end - 1]) { end -= 1 }
        guard end > pos, raw[end - 1] == UInt8(ascii: "}") else { return nil }
        end -= 1
        while end > pos, isSpace(raw[end - 1]) { end -= 1 }
        return end > pos ? (schema, pos..<end) : nil
    }

    /// JSON's whitespace.
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
