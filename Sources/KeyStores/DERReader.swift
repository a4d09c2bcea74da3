import SwiftASN1

/// A few typed reads over SwiftASN1's parsed nodes: the key-store formats need nothing more than
/// sequences, integers, object identifiers and octet strings, read leniently (BER: Windows and some
/// Java versions write constructed, indefinite-length octet strings in PKCS#12 files).
struct DERReader {
    let node: ASN1Node

    init(_ node: ASN1Node) { self.node = node }

    init(bytes: [UInt8], what: String) throws(KeyStoreError) {
        do { node = try BER.parse(bytes) } catch { throw KeyStoreError("\(what) is not valid ASN.1 (DER): \(error)") }
    }

    init(bytes: ArraySlice<UInt8>, what: String) throws(KeyStoreError) {
        do { node = try BER.parse(bytes) } catch { throw KeyStoreError("\(what) is not valid ASN.1 (DER): \(error)") }
    }

    var isSequence: Bool { node.identifier == .sequence }
    var isOctetString: Bool { node.identifier == .octetString }
    var isObjectIdentifier: Bool { node.identifier == .objectIdentifier }
    var isInteger: Bool { node.identifier == .integer }

    /// The children of a constructed node (a SEQUENCE, a SET, an explicit tag).
    func children(_ what: String) throws(KeyStoreError) -> [DERReader] {
        guard case .constructed(let nodes) = node.content else { throw KeyStoreError("\(what): expected a structure") }
        return nodes.map(DERReader.init)
    }

    /// The single child of an explicitly tagged node (`[0] EXPLICIT`).
    func explicit(_ what: String) throws(KeyStoreError) -> DERReader {
        let c = try children(what)
        guard c.count == 1 else { throw KeyStoreError("\(what): expected one tagged value") }
        return c[0]
    }

    func objectIdentifier(_ what: String) throws(KeyStoreError) -> String {
        guard node.identifier == .objectIdentifier else {
            throw KeyStoreError("\(what): expected an object identifier")
        }
        do { return try ASN1ObjectIdentifier(derEncoded: node).description } catch {
            throw KeyStoreError("\(what): bad object identifier")
        }
    }

    /// The bytes of an OCTET STRING (or of any primitive), concatenating BER's constructed pieces.
    func octets(_ what: String) throws(KeyStoreError) -> [UInt8] {
        switch node.content {
        case .primitive(let bytes): return Array(bytes)
        case .constructed(let parts):
            var out: [UInt8] = []
            for p in parts { out += try DERReader(p).octets(what) }
            return out
        }
    }

    /// A non-negative INTEGER that fits an Int.
    func int(_ what: String) throws(KeyStoreError) -> Int {
        guard node.identifier == .integer, case .primitive(let bytes) = node.content, !bytes.isEmpty, bytes.count <= 8,
            bytes.first! & 0x80 == 0
        else { throw KeyStoreError("\(what): expected a small non-negative integer") }
        return bytes.reduce(0) { $0 << 8 | Int($1) }
    }

    /// The node exactly as it was encoded (a certificate, a PrivateKeyInfo).
    var encoded: [UInt8] { Array(node.encodedBytes) }
}
