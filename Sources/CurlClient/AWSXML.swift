/// The few bits of AWS's XML answers (S3, STS) that Tributary reads: the text of an element, and
/// escaping for the XML it sends.
public enum AWSXML {
    /// The text of the first `<name>` element, unescaped.
    public static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.firstRange(of: "<\(name)>"),
            let close = xml[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        return unescaped(String(xml[open.upperBound..<close.lowerBound]))
    }

    public static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    public static func unescaped(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacing("&quot;", with: "\"").replacing("&lt;", with: "<").replacing("&gt;", with: ">")
            .replacing("&amp;", with: "&")
    }
}
