/// A JSON value that keeps what Kafka Connect's byte-exact formats need: object member order, and
/// numbers other than 64-bit integers as their exact text.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Any number that is not an Int64, as its JSON text (e.g. `12.50`, `1E+3`, `123456789012345678901`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .number(let t): return Double(t).flatMap { $0.rounded() == $0 ? Int64(exactly: $0) : nil }
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .number(let t): return Double(t)
        default: return nil
        }
    }
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var isNull: Bool { self == .null }

    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// A double in JSON, written the way Java's `Double.toString` (and so Jackson) writes it.
    public static func double(_ d: Double) -> JSONValue { .number(JavaNumberFormat.double(d)) }
}

/// A JSON object with its members in order. Lookups are linear: the objects we handle are small.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
    }
    public private(set) var members: [Member] = []

    public init() {}
    /// Members as parsed (keys already unique).
    init(members: [Member]) { self.members = members }
    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
    /// `[("a", 1), ("b", 2)]`: an object with members in exactly this order.
    public init(arrayLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// Setting an existing key keeps its position; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue {
    /// A string→string map as a JSON object (config maps), keeping the given order.
    public static func stringMap(_ pairs: [(String, String)]) -> JSONValue {
        .object(JSONObject(pairs.map { ($0.0, JSONValue.string($0.1)) }))
    }
}
