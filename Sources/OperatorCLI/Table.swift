/// Text in aligned columns, as `kubectl get` and kcctl print: a header row, columns separated by
/// at least three spaces, no trailing blanks.
public struct Table: Sendable {
    public let headers: [String]
    public private(set) var rows: [[String]] = []

    public init(_ headers: [String]) { self.headers = headers }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        let all = [headers] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            var line = ""
            for (i, cell) in row.enumerated() where i < widths.count {
                line += cell
                if i < widths.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 3) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
