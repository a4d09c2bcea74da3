/// libpq connection keywords, built from a pgjdbc URL the way reference connectors.md §1.7 maps them,
/// so the `connection.url` values users already have keep working.
public struct PostgresConnectInfo: Sendable, Equatable {
    /// Keyword/value pairs for `PQconnectdbParams`, in a stable order.
    public private(set) var keywords: [Keyword]
    /// URL parameters and `connection.*` properties that only mean something to the JDBC driver.
    public private(set) var ignored: [String]

    public struct Keyword: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    public subscript(name: String) -> String? { keywords.last { $0.name == name }?.value }

    /// The keywords as `k=v` with the password hidden, for logs and error messages.
    public var redacted: String {
        keywords.map { "\($0.name)=\(Self.secret($0.name) ? "[hidden]" : $0.value)" }.joined(separator: " ")
    }

    static func secret(_ name: String) -> Bool { name == "password" || name == "sslpassword" }

    /// Parses `jdbc:postgresql://host1[:port1][,host2[:port2]]/database?k=v&…` (also `jdbc:postgresql:db`,
    /// `jdbc:postgresql:/`). `properties` are driver properties (`connection.*` keys without the prefix);
    /// as in pgjdbc, a value in the URL wins over the same property, and `user`/`password` given here win
    /// over nothing.
    public static func jdbc(
        _ url: String, user: String? = nil, password: String? = nil, properties: [(String, String)] = []
    ) throws(PostgresError) -> PostgresConnectInfo {
        let prefix = "jdbc:postgresql:"
        guard url.hasPrefix(prefix) else {
            throw PostgresError(
                message: "connection.url must start with jdbc:postgresql: (got \(Self.redactURL(url)))")
        }
        var rest = Substring(url.dropFirst(prefix.count))
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var hosts: [(String, String)] = []
        var database: String? = nil
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let hostList = rest[..<slash]
            if slash < rest.endIndex {
                let db = rest[rest.index(after: slash)...]
                if !db.isEmpty { database = try percentDecode(db, in: url) }
            }
            for spec in hostList.split(separator: ",", omittingEmptySubsequences: false) {
                hosts.append(try hostPort(spec, in: url))
            }
        } else if rest == "/" || rest.isEmpty {
            database = nil
        } else {
            database = try percentDecode(rest, in: url)
        }

        // Driver properties first, URL parameters after: later values win.
        var params: [(String, String)] = properties
        if let user { params.insert(("user", user), at: 0) }
        if let password { params.insert(("password", password), at: 0) }
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let eq = pair.firstIndex(of: "=") ?? pair.endIndex
            let k = try percentDecode(pair[..<eq], in: url)
            let v = eq < pair.endIndex ? try percentDecode(pair[pair.index(after: eq)...], in: url) : ""
            params.append((k, v))
        }

        var info = PostgresConnectInfo(keywords: [], ignored: [])
        if !hosts.isEmpty {
            info.set("host", hosts.map(\.0).joined(separator: ","))
            info.set("port", hosts.map(\.1).joined(separator: ","))
        } else {
            info.set("host", "localhost")
            info.set("port", "5432")
        }
        if let database { info.set("dbname", database) }
        info.set("connect_timeout", "10")  // pgjdbc's default; libpq would wait forever
        info.set("fallback_application_name", "tributary")
        var ssl = false
        var sslmode: String? = nil
        for (k, v) in params {
            switch k {
            case "user", "password", "sslcert", "sslkey", "sslrootcert", "sslpassword", "options":
                info.set(k, v)
            case "sslmode": sslmode = v
            case "ssl": ssl = v.lowercased() == "true"
            case "currentSchema": info.set("options", "-c search_path=\(v)")
            case "ApplicationName": info.set("application_name", v)
            case "connectTimeout": info.set("connect_timeout", v)
            case "tcpKeepAlive": info.set("keepalives", v.lowercased() == "true" ? "1" : "0")
            case "gssEncMode": info.set("gssencmode", v)
            case "channelBinding": info.set("channel_binding", v)
            case "loadBalanceHosts": if v.lowercased() == "true" { info.set("load_balance_hosts", "random") }
            case "targetServerType":
                switch v {
                case "any": info.set("target_session_attrs", "any")
                case "primary", "master": info.set("target_session_attrs", "primary")
                case "secondary", "slave": info.set("target_session_attrs", "standby")
                case "preferSecondary", "preferSlave": info.set("target_session_attrs", "prefer-standby")
                default: info.ignored.append(k)  // preferPrimary has no libpq equivalent: host order decides
                }
            default: info.ignored.append(k)
            }
        }
        // pgjdbc reads a bare ssl=true as verify-full; libpq would not verify at all.
        if let sslmode { info.set("sslmode", sslmode) } else if ssl { info.set("sslmode", "verify-full") }
        return info
    }

    private mutating func set(_ name: String, _ value: String) {
        keywords.removeAll { $0.name == name }
        keywords.append(Keyword(name: name, value: value))
    }

    private static func hostPort(_ spec: Substring, in url: String) throws(PostgresError) -> (String, String) {
        var host = spec
        var port = Substring("5432")
        if spec.hasPrefix("[") {  // IPv6
            guard let close = spec.firstIndex(of: "]") else {
                throw PostgresError(message: "connection.url has an unterminated IPv6 address: \(redactURL(url))")
            }
            host = spec[spec.index(after: spec.startIndex)..<close]
            let after = spec[spec.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
        } else if let colon = spec.lastIndex(of: ":") {
            host = spec[..<colon]
            port = spec[spec.index(after: colon)...]
        }
        guard let p = Int(port), (1...65535).contains(p) else {
            throw PostgresError(message: "connection.url has an invalid port '\(port)': \(redactURL(url))")
        }
        return (host.isEmpty ? "localhost" : String(host), String(p))
    }

    private static func percentDecode(_ s: Substring, in url: String) throws(PostgresError) -> String {
        guard s.contains("%") else { return String(s) }
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else {
                    throw PostgresError(message: "connection.url has an invalid %-escape: \(redactURL(url))")
                }
                out.append(v)
                it = it.dropFirst(2)
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The URL with any `password=` or `sslpassword=` parameter value hidden.
    public static func redactURL(_ url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return url }
        let params = url[url.index(after: q)...].split(separator: "&").map { p -> String in
            let name = p.split(separator: "=", maxSplits: 1).first.map { String($0).lowercased() } ?? ""
            return secret(name) ? "\(name)=[hidden]" : String(p)
        }
        return String(url[...q]) + params.joined(separator: "&")
    }
}
