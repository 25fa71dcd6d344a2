import Foundation

/// A throwaway certificate authority and a server certificate for `127.0.0.1`/`localhost`, made with the
/// `openssl` command-line tool at test time.
///
/// ```swift
/// let ca = try await TestCertificateAuthority.make(in: temporaryDirectory)
/// var configuration = SlackSimulator.Configuration()
/// configuration.tls = .init(certificateChainPEMPath: ca.certPEMPath, privateKeyPEMPath: ca.keyPEMPath)
/// // clients trust ca.caPEMPath
/// ```
public struct TestCertificateAuthority: Sendable {
    /// The directory holding the files.
    public let directory: String
    /// The CA certificate (PEM): the trust root for clients.
    public let caPEMPath: String
    /// The server certificate (PEM), signed by the CA, CN `127.0.0.1`, SAN `IP:127.0.0.1, DNS:localhost`.
    public let certPEMPath: String
    /// The server's private key (PEM, unencrypted).
    public let keyPEMPath: String

    /// The `openssl` executable used.
    public static let opensslPath = "/usr/bin/openssl"

    /// Creates a CA (EC P-256, valid 2 days) and a server certificate signed by it in `directory` (created if
    /// needed): `ca.pem`, `ca.key`, `server.pem`, `server.key`.
    /// - Parameter directory: Where to write the files.
    /// - Returns: The file paths.
    /// - Throws: ``SlackSimulatorError`` with code `certificateGenerationFailed` if `openssl` is missing or fails.
    public static func make(in directory: String) async throws -> TestCertificateAuthority {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dir = URL(fileURLWithPath: directory)
        let caKey = dir.appendingPathComponent("ca.key").path
        let caPEM = dir.appendingPathComponent("ca.pem").path
        let serverKey = dir.appendingPathComponent("server.key").path
        let serverCSR = dir.appendingPathComponent("server.csr").path
        let serverPEM = dir.appendingPathComponent("server.pem").path
        let extensions = dir.appendingPathComponent("server.ext").path
        let caExtensions = dir.appendingPathComponent("ca.ext").path

        try """
        basicConstraints=critical,CA:TRUE
        keyUsage=critical,keyCertSign,cRLSign
        subjectKeyIdentifier=hash

        """.write(toFile: caExtensions, atomically: true, encoding: .utf8)
        try """
        basicConstraints=critical,CA:FALSE
        keyUsage=critical,digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        subjectAltName=IP:127.0.0.1,DNS:localhost
        authorityKeyIdentifier=keyid

        """.write(toFile: extensions, atomically: true, encoding: .utf8)

        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await self.run(
            ["req", "-new"] + ecKey + ["-keyout", caKey, "-out", caPEM + ".csr", "-subj", "/CN=Vigil Test CA"]
        )
        try await self.run([
            "x509", "-req", "-in", caPEM + ".csr", "-signkey", caKey, "-out", caPEM, "-days", "2", "-sha256",
            "-extfile", caExtensions,
        ])
        try await self.run(
            ["req", "-new"] + ecKey + ["-keyout", serverKey, "-out", serverCSR, "-subj", "/CN=127.0.0.1"]
        )
        try await self.run([
            "x509", "-req", "-in", serverCSR, "-CA", caPEM, "-CAkey", caKey, "-CAcreateserial", "-out", serverPEM,
            "-days", "2", "-sha256", "-extfile", extensions,
        ])
        return TestCertificateAuthority(
            directory: directory,
            caPEMPath: caPEM,
            certPEMPath: serverPEM,
            keyPEMPath: serverKey
        )
    }

    /// Runs `openssl` with `arguments` and waits for it without blocking a thread.
    private static func run(_ arguments: [String]) async throws {
        guard FileManager.default.isExecutableFile(atPath: self.opensslPath) else {
            throw SlackSimulatorError.certificateGenerationFailed(
                "\(self.opensslPath) not found; install the openssl package"
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.opensslPath)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(
                    throwing: SlackSimulatorError.certificateGenerationFailed("cannot run openssl: \(error)")
                )
            }
        }
        if status != 0 {
            let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw SlackSimulatorError.certificateGenerationFailed(
                "openssl \(arguments.first ?? "") exited with \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
    }
}
