import CHostSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads Slack tokens from files only when nobody but the user Vigil runs as can read them — the rule ssh applies to
/// private keys.
///
/// A token file (`app_token_file`, `bot_token_file`, or a systemd credential in `$CREDENTIALS_DIRECTORY`) is refused
/// when:
/// - it is not a regular file;
/// - it is owned by anyone but the effective user or root (another user could change its mode, or replace it);
/// - it grants any permission to its group or to others (`mode & 0o077`), or — when it has a POSIX access ACL — any
///   ACL entry gives a user other than the effective user, the owning group, a named group or others any access.
///
/// systemd writes `LoadCredential=` files as mode 0400, owned by root, and grants the service's user read access
/// with an ACL entry `user:<uid>:r--` (or, on file systems without ACLs, by making the user the owner). `stat` then
/// shows mode 0440, because the group bits of a file with an ACL hold the ACL *mask*, not the group's permission.
/// Reading the ACL itself is therefore what tells "only the service user may read it" from "its group may read it",
/// and such credentials pass the check (root owns them; the only named user is Vigil's own).
enum TokenFile {
    /// Why a token file is refused, with the command that fixes it.
    struct Problem: Error, CustomStringConvertible {
        /// What is wrong and what to do; names the file, never its contents.
        let description: String
    }

    /// Reads `path` after checking who may read it.
    ///
    /// - Parameter path: The file.
    /// - Returns: The file's contents (at most 64 KiB), or the problem.
    static func read(_ path: String) -> Result<String, Problem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            return .failure(Problem(description: "cannot read \(path) (\(errorText(errno))); check that it exists and "
                + "the user Vigil runs as may read it"))
        }
        defer { close(fd) }
        if let problem = check(fd, path: path) { return .failure(problem) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while contents.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                if count < 0 { return .failure(Problem(description: "cannot read \(path) (\(errorText(errno)))")) }
                break
            }
            contents += buffer.prefix(count)
        }
        return .success(String(decoding: contents, as: UTF8.self))
    }

    /// Checks who may read `path` without reading it (for credentials another reader already loaded).
    ///
    /// - Parameter path: The file.
    /// - Returns: The problem, or `nil` when only the effective user (and root) can read the file.
    static func problem(at path: String) -> Problem? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            return Problem(description: "cannot open \(path) to check its permissions (\(errorText(errno)))")
        }
        defer { close(fd) }
        return check(fd, path: path)
    }

    private static func check(_ fd: Int32, path: String) -> Problem? {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return Problem(description: "cannot check the permissions of \(path) (\(errorText(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return Problem(description: "\(path) is not a regular file; give the path of the file holding the token")
        }
        let me = geteuid()
        if info.st_uid != me, info.st_uid != 0 {
            let owner = userName(me)
            return Problem(description: "\(path) is owned by \(userName(info.st_uid)), not by the user Vigil runs as "
                + "(\(owner)) or root, so that user could change or replace the token: chown "
                + "\(owner.hasPrefix("uid ") ? String(me) : owner) \(path)")
        }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        let fix = "a token file must be readable by the user Vigil runs as only, as ssh requires of private keys"
        switch accessControlList(fd) {
        case .some(let entries):
            if let grant = foreignGrant(in: entries, me: me) {
                return Problem(description: "\(path) has an access ACL that lets \(grant) read or change it; "
                    + "\(fix): setfacl -b \(path) && chmod 600 \(path)")
            }
            return nil
        case nil:
            guard info.st_mode & 0o077 == 0 else {
                return Problem(description: "\(path) can be read or changed by other users (mode 0\(mode)); \(fix): "
                    + "chmod 600 \(path)")
            }
            return nil
        }
    }

    /// One entry of a POSIX access ACL as Linux stores it in `system.posix_acl_access`.
    private struct ACLEntry {
        var tag: UInt16
        var permissions: UInt16
        var id: UInt32
    }

    /// The file's access ACL entries, or `nil` when it has none (or the file system keeps none).
    private static func accessControlList(_ fd: Int32) -> [ACLEntry]? {
        var buffer = [UInt8](repeating: 0, count: 1_024)
        let size = buffer.withUnsafeMutableBytes { chs_file_access_acl(fd, $0.baseAddress!, $0.count) }
        guard size >= 4 else { return nil }
        func little<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            (0..<MemoryLayout<T>.size).reduce(T.zero) { $0 | T(buffer[offset + $1]) << (8 * $1) }
        }
        var entries: [ACLEntry] = []
        var offset = 4  // after the version word (2)
        while offset + 8 <= size {
            entries.append(
                ACLEntry(tag: little(offset, UInt16.self), permissions: little(offset + 2, UInt16.self),
                         id: little(offset + 4, UInt32.self)))
            offset += 8
        }
        return entries
    }

    /// Who besides the effective user gets any access through `entries`, or `nil` when nobody does.
    private static func foreignGrant(in entries: [ACLEntry], me: uid_t) -> String? {
        // Tags from <sys/acl.h>; ACL_USER_OBJ (0x01), the owner, is Vigil's own user or root (checked before).
        let namedUser: UInt16 = 0x02, groupObject: UInt16 = 0x04
        let namedGroup: UInt16 = 0x08, mask: UInt16 = 0x10, other: UInt16 = 0x20
        let effectiveMask = entries.first { $0.tag == mask }?.permissions ?? 0o7
        for entry in entries {
            switch entry.tag {
            case namedUser where entry.id != me && entry.permissions & effectiveMask != 0:
                return "user \(userName(entry.id))"
            case groupObject where entry.permissions & effectiveMask != 0:
                return "its group"
            case namedGroup where entry.permissions & effectiveMask != 0:
                return "group \(entry.id)"
            case other where entry.permissions != 0:
                return "every user"
            default:
                continue
            }
        }
        return nil
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
