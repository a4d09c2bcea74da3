import ConnectAPI

/// Validates JSON data against a JSON Schema (the `jsonschema` embedded format of the REST Proxy).
///
/// Keywords checked: `type` (one or several), `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items` (one schema), `minItems`/`maxItems`, `minLength`/`maxLength`,
/// `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum` (numbers), `allOf`/`anyOf`/`oneOf`/`not`,
/// and local `$ref`s (`#/definitions/…`, `#/$defs/…`, `#`). Annotations and keywords outside that list
/// (`format`, `pattern`, …) are not enforced.
public struct JSONSchemaValidator: Sendable {
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
        /// The schema, not the data, is at fault (a `$ref` loop, too much work): anyOf, oneOf and not
        /// must not treat this as a branch that does not match and go on trying others.
        var aborts = false
    }

    /// Schema checks one validation may make: `anyOf` of `$ref`s to definitions that branch again
    /// would otherwise take exponential time on one record (a request that never ends).
    static let maxChecks = 200_000

    private final class Budget {
        var left = JSONSchemaValidator.maxChecks
    }

    let root: JSONValue

    /// Refuses text that is not a JSON object or boolean (what a JSON Schema is).
    public init(_ text: String) throws(Invalid) {
        let v: JSONValue
        do { v = try JSONParser.parse(text) } catch { throw Invalid(description: "not JSON: \(error)") }
        guard v.objectValue != nil || v.boolValue != nil else {
            throw Invalid(description: "a JSON Schema is an object or a boolean, got \(JSONWriter.string(v))")
        }
        root = v
    }

    /// The schema as compact JSON (member order kept): the registry's identity for JSON schemas.
    public var canonicalText: String { JSONWriter.string(root) }

    public func validate(_ data: JSONValue) throws(Invalid) {
        try check(data, root, path: "$", depth: 0, Budget())
    }

    private func resolve(_ ref: String) throws(Invalid) -> JSONValue {
        if ref == "#" { return root }
        guard ref.hasPrefix("#/") else { throw Invalid(description: "only local $ref are supported, got \(ref)") }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") {
            let key = String(part).replacing("~1", with: "/").replacing("~0", with: "~")
            guard let next = node[key] else { throw Invalid(description: "$ref \(ref) not found") }
            node = next
        }
        return node
    }

    private static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .number(let t): Double(t).map { $0.rounded() == $0 } == true ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    private func check(_ v: JSONValue, _ s: JSONValue, path: String, depth: Int, _ budget: Budget) throws(Invalid) {
        if depth > 64 {
            throw Invalid(description: "\(path): schema nesting deeper than 64 ($ref loop?)", aborts: true)
        }
        budget.left -= 1
        if budget.left < 0 {
            throw Invalid(
                description: "\(path): the schema needs more than \(Self.maxChecks) checks for this value", aborts: true
            )
        }
        if let b = s.boolValue {
            if !b { throw Invalid(description: "\(path): the schema allows no value here") }
            return
        }
        guard let o = s.objectValue else { return }
        if let ref = o["$ref"]?.stringValue { try check(v, try resolve(ref), path: path, depth: depth + 1, budget) }
        let actual = Self.typeName(v)
        if let t = o["type"] {
            let allowed = t.stringValue.map { [$0] } ?? (t.arrayValue ?? []).compactMap(\.stringValue)
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok {
                throw Invalid(
                    description:
                        "\(path): expected \(allowed.joined(separator: " or ")), got \(actual) \(JSONWriter.string(v))")
            }
        }
        if let e = o["enum"]?.arrayValue, !e.contains(where: { Self.equal($0, v) }) {
            throw Invalid(description: "\(path): \(JSONWriter.string(v)) is not one of \(JSONWriter.string(.array(e)))")
        }
        if let c = o["const"], !Self.equal(c, v) {
            throw Invalid(description: "\(path): \(JSONWriter.string(v)) is not \(JSONWriter.string(c))")
        }
        switch v {
        case .object(let obj):
            for r in o["required"]?.arrayValue ?? [] {
                if let name = r.stringValue, obj[name] == nil {
                    throw Invalid(description: "\(path): required property \"\(name)\" is missing")
                }
            }
            let props = o["properties"]?.objectValue
            for m in obj {
                if let ps = props?[m.key] {
                    try check(m.value, ps, path: "\(path).\(m.key)", depth: depth + 1, budget)
                } else if let extra = o["additionalProperties"] {
                    if extra.boolValue == false {
                        throw Invalid(description: "\(path): property \"\(m.key)\" is not allowed")
                    }
                    try check(m.value, extra, path: "\(path).\(m.key)", depth: depth + 1, budget)
                }
            }
        case .array(let items):
            if let n = o["minItems"]?.int64Value, items.count < n {
                throw Invalid(description: "\(path): \(items.count) items, fewer than \(n)")
            }
            if let n = o["maxItems"]?.int64Value, items.count > n {
                throw Invalid(description: "\(path): \(items.count) items, more than \(n)")
            }
            if let item = o["items"], item.arrayValue == nil {
                for (i, x) in items.enumerated() { try check(x, item, path: "\(path)[\(i)]", depth: depth + 1, budget) }
            }
        case .string(let str):
            let n = str.count
            if let min = o["minLength"]?.int64Value, n < min {
                throw Invalid(description: "\(path): \(n) characters, fewer than \(min)")
            }
            if let max = o["maxLength"]?.int64Value, n > max {
                throw Invalid(description: "\(path): \(n) characters, more than \(max)")
            }
        case .int, .number:
            let d = v.doubleValue ?? 0
            if let m = o["minimum"]?.doubleValue, d < m {
                throw Invalid(description: "\(path): \(d) is less than \(m)")
            }
            if let m = o["maximum"]?.doubleValue, d > m {
                throw Invalid(description: "\(path): \(d) is more than \(m)")
            }
            if let m = o["exclusiveMinimum"]?.doubleValue, d <= m {
                throw Invalid(description: "\(path): \(d) is not more than \(m)")
            }
            if let m = o["exclusiveMaximum"]?.doubleValue, d >= m {
                throw Invalid(description: "\(path): \(d) is not less than \(m)")
            }
        default:
            break
        }
        for sub in o["allOf"]?.arrayValue ?? [] { try check(v, sub, path: path, depth: depth + 1, budget) }
        if let any = o["anyOf"]?.arrayValue {
            var matched = false
            for sub in any where try passes(v, sub, path, depth, budget) {
                matched = true
                break
            }
            if !matched { throw Invalid(description: "\(path): \(JSONWriter.string(v)) matches none of anyOf") }
        }
        if let one = o["oneOf"]?.arrayValue {
            var n = 0
            for sub in one where try passes(v, sub, path, depth, budget) { n += 1 }
            if n != 1 {
                throw Invalid(description: "\(path): \(JSONWriter.string(v)) matches \(n) of oneOf, not exactly 1")
            }
        }
        if let not = o["not"], try passes(v, not, path, depth, budget) {
            throw Invalid(description: "\(path): \(JSONWriter.string(v)) matches a schema it must not")
        }
    }

    /// Whether `v` matches `s`; a failure of the schema itself (`aborts`) is thrown, not a mismatch.
    private func passes(_ v: JSONValue, _ s: JSONValue, _ path: String, _ depth: Int, _ budget: Budget) throws(Invalid)
        -> Bool
    {
        do throws(Invalid) {
            try check(v, s, path: path, depth: depth + 1, budget)
            return true
        } catch {
            if error.aborts { throw error }
            return false
        }
    }

    /// JSON equality with numbers compared by value (1 == 1.0).
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue, typeName(a) != "string" { return x == y }
        return a == b
    }
}
