import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RestServing

/// Sends a REST request on to another worker of the group and returns its answer, as Kafka Connect
/// does for requests that only the worker running a connector or task can carry out (restarts).
///
/// One short-lived HTTP/1.1 connection per request: these are rare, operator-driven calls. Over HTTPS
/// when the workers advertise https (with the listeners' trust store, and their key store as client
/// certificate), carrying the caller's `Authorization` header, as Kafka Connect's RestClient does.
public struct RestForwarder: Sendable {
    var timeout: TimeAmount = .seconds(30)
    let tls: TLSConfiguration?

    /// `tls`: for workers that advertise https; nil: plain HTTP.
    public init(tls: TLSConfiguration? = nil) { self.tls = tls }

    /// `workerId` is `host:port` of the other worker's REST API.
    func forward(_ request: RestRequest, to workerId: String) async throws(RestError) -> RestResponse {
        guard let colon = workerId.lastIndex(of: ":"), let port = Int(workerId[workerId.index(after: colon)...]) else {
            throw RestError(500, "Cannot forward the request: invalid worker id \(workerId)")
        }
        let host = String(workerId[..<colon])
        do {
            return try await send(request, host: host, port: port)
        } catch {
            throw RestError(500, "Error forwarding the request to worker \(workerId): \(error)")
        }
    }

    private func send(_ request: RestRequest, host: String, port: Int) async throws -> RestResponse {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        // The host name is verified (and sent as SNI) unless it is an address.
                        let isAddress = host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        var query = request.query.map { "\($0.0)=\($0.1)" }
        query.append("forward=false")
        var head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method),
            uri: request.path + "?" + query.joined(separator: "&"))
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(request.body.count))
        head.headers.add(name: "Connection", value: "close")
        // The caller's credentials: the other worker checks them as this one did.
        if let auth = request.header("authorization") { head.headers.add(name: "Authorization", value: auth) }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if !request.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: request.body)))) }
            try await outbound.write(.end(nil))
            var status = 500
            var body: [UInt8] = []
            var headers: [(String, String)] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    status = Int(h.status.code)
                    headers = h.headers.filter { $0.name.lowercased() == "location" }.map { ($0.name, $0.value) }
                case .body(let b): body.append(contentsOf: b.readableBytesView)
                case .end: return RestResponse(status: status, body: body.isEmpty ? nil : body, headers: headers)
                }
            }
            return RestResponse(status: status, body: body.isEmpty ? nil : body, headers: headers)
        }
    }
}
