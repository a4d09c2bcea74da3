import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Serves `ConnectRestAPI` over HTTP with Hummingbird.
struct RestResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let api: ConnectRestAPI
    /// Larger bodies get 413: connector configs are small.
    static let maxBody = 8 * 1024 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: Self.maxBody) } catch {
            return Self.response(.error(RestError(413, "Request body larger than \(Self.maxBody) bytes")))
        }
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let rr = RestRequest(
            method: request.method.rawValue, path: request.uri.path, query: query,
            body: Array(buffer.readableBytesView))
        return Self.response(await api.handle(rr))
    }

    static func response(_ r: RestResponse) -> Response {
        var headers = HTTPFields()
        for (k, v) in r.headers { if let name = HTTPField.Name(k) { headers[name] = v } }
        guard let body = r.body else { return Response(status: .init(code: r.status), headers: headers) }
        headers[.contentType] = "application/json"
        return Response(
            status: .init(code: r.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Builds the HTTP application for one listener.
public enum RestServer {
    public static func application(
        api: ConnectRestAPI, host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            responder: RestResponder(api: api),
            configuration: .init(address: .hostname(host.isEmpty ? "0.0.0.0" : host, port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
