import Foundation
import Glibc
import Testing

@testable import VigilDaemon

/// Token files (and systemd credentials) are refused when anyone but the service user can read or change them.
@Suite("Token file permissions")
struct TokenFileTests {
    /// Writes `text` to a fresh file with `mode` and returns its path.
    static func file(_ text: String = "xoxb-test-file-token\n", mode: mode_t, in sandbox: ConfigurationSandbox) throws
        -> String
    {
        let path = try sandbox.write("token-\(UUID().uuidString)", text)
        try #require(chmod(path, mode) == 0)
        return path
    }

    /// Replaces the file's access ACL with `entries` (tag, permissions, id), written as Linux stores it.
    static func setACL(_ path: String, _ entries: [(UInt16, UInt16, UInt32)]) throws {
        var blob: [UInt8] = [2, 0, 0, 0]
        for (tag, permissions, id) in entries {
            blob += withUnsafeBytes(of: tag.littleEndian, Array.init)
            blob += withUnsafeBytes(of: permissions.littleEndian, Array.init)
            blob += withUnsafeBytes(of: id.littleEndian, Array.init)
        }
        // Swift's Glibc module does not export <sys/xattr.h>; look the libc function up instead.
        typealias SetXattr = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32)
            -> Int32
        let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setxattr"))
        let setxattr = unsafeBitCast(symbol, to: SetXattr.self)
        let result = blob.withUnsafeBytes { setxattr(path, "system.posix_acl_access", $0.baseAddress, $0.count, 0) }
        try #require(result == 0, "setxattr: \(String(cString: strerror(errno)))")
    }

    @Test("0600 and 0400 files are read; surrounding white space is the caller's to trim")
    func privateFiles() async throws {
        try await ConfigurationSandbox.with { sandbox in
            for mode: mode_t in [0o600, 0o400, 0o700] {
                let path = try Self.file(mode: mode, in: sandbox)
                #expect(try TokenFile.read(path).get() == "xoxb-test-file-token\n")
                #expect(TokenFile.problem(at: path) == nil)
            }
        }
    }

    @Test("a file others or the group may read or write is refused with a chmod hint", arguments: [0o644, 0o640, 0o604, 0o620, 0o666, 0o602])
    func tooOpen(_ mode: Int) async throws {
        try await ConfigurationSandbox.with { sandbox in
            let path = try Self.file(mode: mode_t(mode), in: sandbox)
            let problem = try #require(TokenFile.problem(at: path))
            #expect(problem.description.contains("mode 0\(String(mode, radix: 8))"))
            #expect(problem.description.hasSuffix("chmod 600 \(path)"))
            #expect(throws: TokenFile.Problem.self) { try TokenFile.read(path).get() }
            #expect(!problem.description.contains("xoxb-test"), "never the token")
        }
    }

    @Test("a file owned by another user is refused with a chown hint", .enabled(if: geteuid() == 0, "needs root to chown"))
    func foreignOwner() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let path = try Self.file(mode: 0o600, in: sandbox)
            try #require(chown(path, 65_534, 65_534) == 0)
            let problem = try #require(TokenFile.problem(at: path))
            #expect(problem.description.contains("is owned by"))
            #expect(problem.description.contains("chown "))
            #expect(problem.description.hasSuffix(path))
        }
    }

    /// systemd's credentials: 0400, root-owned, read access for the service user through an ACL, which `stat`
    /// shows as mode 0440 (the group bits hold the ACL mask).
    @Test("a systemd-style credential (root, 0400, ACL user:<me>:r) is accepted; an ACL for anyone else is not")
    func systemdCredentialACL() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let me = UInt32(geteuid())
            let path = try Self.file(mode: 0o400, in: sandbox)
            let userObject: UInt16 = 0x01, user: UInt16 = 0x02, groupObject: UInt16 = 0x04, mask: UInt16 = 0x10
            let other: UInt16 = 0x20
            let none = UInt32.max
            try Self.setACL(path, [(userObject, 4, none), (user, 4, me), (groupObject, 0, none), (mask, 4, none), (other, 0, none)])
            var info = stat()
            try #require(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o440, "the mask shows in the group bits")
            #expect(TokenFile.problem(at: path) == nil)
            #expect(try TokenFile.read(path).get() == "xoxb-test-file-token\n")

            let nobody = try Self.file(mode: 0o400, in: sandbox)
            try Self.setACL(
                nobody,
                [(userObject, 4, none), (user, 4, me), (user, 4, 65_534), (groupObject, 0, none), (mask, 4, none), (other, 0, none)])
            #expect(TokenFile.problem(at: nobody)?.description.contains("setfacl -b \(nobody)") == true)

            let group = try Self.file(mode: 0o400, in: sandbox)
            try Self.setACL(group, [(userObject, 4, none), (user, 4, me), (groupObject, 4, none), (mask, 4, none), (other, 0, none)])
            #expect(TokenFile.problem(at: group)?.description.contains("lets its group") == true)
        }
    }

    @Test("a missing file or a directory says what is wrong")
    func notAFile() async throws {
        try await ConfigurationSandbox.with { sandbox in
            #expect(TokenFile.problem(at: sandbox.root.path + "/absent")?.description.contains("No such file") == true)
            #expect(TokenFile.problem(at: sandbox.root.path)?.description.contains("not a regular file") == true)
        }
    }

    @Test("configuration load: a 0644 bot_token_file is an error naming the key, with the chmod hint")
    func loadRefusesOpenTokenFile() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let file = try Self.file(mode: 0o644, in: sandbox)
            let errors = await sandbox.problems(
                "workspaces:\n  - name: ops\n    bot_token_file: \(file)\n", credentials: ["slack-app-token": ConfigurationSandbox.appToken])
            #expect(errors.keys == ["workspaces[0].bot_token_file"])
            #expect(errors.errors.first?.problem.contains("chmod 600 \(file)") == true)
            #expect(!errors.leaksToken)
        }
    }

    @Test("configuration load: a credential readable by others is refused too")
    func loadRefusesOpenCredential() async throws {
        try await ConfigurationSandbox.with { sandbox in
            let directory = try sandbox.credentials([
                "slack-app-token": ConfigurationSandbox.appToken, "slack-bot-token": ConfigurationSandbox.botToken,
            ])
            try #require(chmod(directory + "/slack-bot-token", 0o644) == 0)
            let errors = await sandbox.problems(nil, environment: ["CREDENTIALS_DIRECTORY": directory], credentials: nil)
            #expect(errors.keys == ["credential slack-bot-token"])
            #expect(errors.errors.first?.problem.contains("chmod 600 \(directory)/slack-bot-token") == true)
            #expect(!errors.leaksToken)
        }
    }
}
