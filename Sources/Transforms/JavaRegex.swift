import ConnectAPI
import Synchronization

/// A `java.util.regex` pattern as Kafka's SMTs use it: a whole-string match (`Matcher.matches()`) and
/// `Matcher.replaceFirst` replacement text (`$1`, `${name}`, `\` escapes). Swift's `Regex` accepts the
/// syntax users write in these configs (groups, classes, quantifiers, anchors, named groups).
///
/// `Regex<AnyRegexOutput>` is not `Sendable`, so the pattern is kept as text and compiled where it is
/// used; callers remember the answers per topic (`TopicMemo`), so that happens once per topic.
struct JavaRegex: Sendable {
    let pattern: String

    /// Throws the `ConfigException` Kafka's regex validator gives for `key`.
    init(_ pattern: String, key: String) throws(ConfigException) {
        self.pattern = pattern
        do { _ = try Regex(pattern) } catch {
            throw ConfigException(name: key, value: pattern, reason: "Invalid regex: \(error)")
        }
    }

    func matches(_ s: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: s)) != nil
    }

    /// `replacement` expanded with the groups of a whole match of `s`, or nil when `s` does not match.
    func replacingWholeMatch(of s: String, with replacement: String) throws -> String? {
        guard let m = try Regex(pattern).wholeMatch(in: s) else { return nil }
        let output = m.output
        func group(_ i: Int) -> String { output[i].substring.map(String.init) ?? "" }
        var out = ""
        var chars = Substring(replacement)
        while let c = chars.popFirst() {
            if c == "\\" {
                guard let next = chars.popFirst() else {
                    throw ConnectError(.data, "character to be escaped is missing")
                }
                out.append(next)
            } else if c == "$" {
                if chars.first == "{" {
                    chars.removeFirst()
                    guard let end = chars.firstIndex(of: "}") else {
                        throw ConnectError(.data, "named capturing group is missing trailing '}'")
                    }
                    let name = String(chars[..<end])
                    chars = chars[chars.index(after: end)...]
                    guard let g = output[name] else { throw ConnectError(.data, "No group with name {\(name)}") }
                    out += g.substring.map(String.init) ?? ""
                } else {
                    // As Java: the first digit always counts; more digits only while they name a group.
                    guard let d = chars.first?.wholeNumberValue, chars.first!.isASCII else {
                        throw ConnectError(.data, "Illegal group reference")
                    }
                    chars.removeFirst()
                    var ref = d
                    while let n = chars.first?.wholeNumberValue, chars.first!.isASCII, ref * 10 + n < output.count {
                        ref = ref * 10 + n
                        chars.removeFirst()
                    }
                    guard ref < output.count else { throw ConnectError(.data, "No group \(ref)") }
                    out += group(ref)
                }
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// Answers per topic, remembered: records of a few topics ask the same question millions of times.
final class TopicMemo<Answer: Sendable>: Sendable {
    private let answers = Mutex<[String: Answer]>([:])

    init() {}

    func answer(for topic: String, _ compute: (String) throws -> Answer) rethrows -> Answer {
        if let a = answers.withLock({ $0[topic] }) { return a }
        let a = try compute(topic)
        answers.withLock {
            if $0.count >= 10_000 { $0.removeAll() }  // bounded, should topics be generated
            $0[topic] = a
        }
        return a
    }
}
