import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Serves a `RestHandler` over HTTP with Hummingbird.
struct RestResponder<Handler: RestHandler>: HTTPResponder {
    typealias Context = BasicRequestContext
    let handler: Handler
    let maxBody: Int

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        var rr = RestRequest(
            method: request.method.rawValue, path: request.uri.path, query: query,
            // HTTPTypes moves the Host header into the authority pseudo-header.
            headers: request.headers.map { ($0.name.canonicalName, $0.value) }
                + (request.head.authority.map { [("host", $0)] } ?? []))
        // Refused before the body is read: a caller without credentials cannot make the worker buffer it.
        if let refused = handler.admit(rr) { return Self.response(refused) }
        rr.admitted = true
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBody) } catch {
            return Self.response(.error(RestError(413, "Request body larger than \(maxBody) bytes")))
        }
        rr.body = Array(buffer.readableBytesView)
        return Self.response(await handler.handle(rr))
    }

    static func response(_ r: RestResponse) -> Response {
        var headers = HTTPFields()
        for (k, v) in r.headers { if let name = HTTPField.Name(k) { headers[name] = v } }
        guard let body = r.body else { return Response(status: .init(code: r.status), headers: headers) }
        headers[.contentType] = r.contentType
        return Response(
            status: .init(code: r.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Builds the HTTP application for one listener.
public enum RestServer {
    /// `maxBody`: larger request bodies get 413 before the handler sees them. With `tls`, the listener
    /// speaks HTTPS (swift-nio-ssl).
    public static func application(
        handler: some RestHandler, host: String, port: Int, tls: TLSConfiguration? = nil,
        maxBody: Int = 8 * 1024 * 1024, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        Application(
            responder: RestResponder(handler: handler, maxBody: maxBody),
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(host.isEmpty ? "0.0.0.0" : host, port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
