import Foundation

/// Certificates and stores made at test time with the tools users make them with: `openssl` for keys,
/// certificates and PKCS12 files, Java's `keytool` for JKS and keytool-style PKCS12 stores.
final class TestPKI: @unchecked Sendable {
    let dir: URL
    static let password = "s3cret-pw"

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("keystores-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // A CA, a server certificate it signed (with an intermediate), and a self-signed stranger.
        try sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=Test-CA")
        try sh(
            "openssl req -newkey rsa:2048 -nodes -keyout int.key -out int.csr -subj /CN=Test-Intermediate"
                + " && printf 'basicConstraints=critical,CA:true\\n' > ca.ext"
                + " && openssl x509 -req -in int.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out int.pem -days 2 -extfile ca.ext"
        )
        try sh(
            "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=localhost"
                + " && openssl x509 -req -in server.csr -CA int.pem -CAkey int.key -CAcreateserial -out server.pem -days 2"
        )
        try sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj /CN=Other")
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func sh(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else {
            throw NSError(
                domain: "sh", code: Int(p.terminationStatus),
                userInfo: [NSLocalizedDescriptionKey: "\(command): \(text)"])
        }
        return text
    }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(name))) }

    /// The DER form of a PEM certificate file, via openssl.
    func der(_ pem: String) throws -> [UInt8] {
        try sh("openssl x509 -in \(pem) -outform DER -out \(pem).der")
        return try bytes("\(pem).der")
    }

    /// The DER PKCS#8 form of a PEM key file, via openssl.
    func pkcs8DER(_ key: String) throws -> [UInt8] {
        try sh("openssl pkcs8 -topk8 -nocrypt -in \(key) -outform DER -out \(key).p8")
        return try bytes("\(key).p8")
    }
}
