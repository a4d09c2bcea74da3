import ConnectAPI

/// One listener of the REST APIs: `http://host:port` or `https://host:port` (an empty host binds every
/// interface), parsed as Kafka Connect's `RestServer` parses `listeners`.
public struct RestListener: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case http, https }
    public let scheme: Scheme
    public let host: String
    public let port: Int

    public init(scheme: Scheme, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    public var description: String { "\(scheme.rawValue)://\(host):\(port)" }

    /// Kafka Connect's rules: `protocol://host:port` with nothing after the port, the protocol http or
    /// https in any case, IPv6 hosts in brackets; Kafka Connect's messages, with the value at fault.
    public static func parse(_ uris: [String], key: String) throws(ConfigException) -> [RestListener] {
        var out: [RestListener] = []
        for uri in uris {
            guard !uri.trimmingWhitespace().isEmpty else {
                throw ConfigException("Empty URL found when parsing \(key) list.")
            }
            guard let sep = uri.firstRange(of: "://"), let colon = uri.lastIndex(of: ":"), colon > sep.lowerBound,
                let port = Int(uri[uri.index(after: colon)...]), port >= 0, port <= 65535
            else {
                throw ConfigException(
                    name: key, value: uri, reason: "Listener doesn't have the right format (protocol://hostname:port).")
            }
            var host = String(uri[sep.upperBound..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-%._:".contains($0) }) else {
                throw ConfigException(
                    name: key, value: uri, reason: "Listener doesn't have the right format (protocol://hostname:port).")
            }
            guard let scheme = Scheme(rawValue: String(uri[..<sep.lowerBound]).lowercased()) else {
                throw ConfigException(
                    name: key, value: uri, reason: "Listener protocol must be either \"http\" or \"https\".")
            }
            out.append(RestListener(scheme: scheme, host: host, port: port))
        }
        return out
    }
}
