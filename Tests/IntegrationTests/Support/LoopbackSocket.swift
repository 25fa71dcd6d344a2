import Glibc

/// A TCP socket bound to 127.0.0.1 on an ephemeral port, optionally listening (but never accepting).
struct LoopbackSocket {
    let descriptor: Int32
    let port: Int

    struct SocketError: Error {
        let operation: String
    }

    init(listening: Bool) throws {
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError(operation: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                Glibc.bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound, !listening || Glibc.listen(fd, 16) == 0 else {
            Glibc.close(fd)
            throw SocketError(operation: "bind/listen")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        Glibc.close(descriptor)
    }

    /// A port that was free a moment ago (bound on 127.0.0.1 port 0, never listened on, closed again), for a child
    /// process that must be told its port up front.
    static func freePort() throws -> Int {
        let socket = try LoopbackSocket(listening: false)
        defer { socket.close() }
        return socket.port
    }
}
