import Foundation

/// Gets Socket Mode URLs for the ack floor, which has no Web API client of its own: one `apps.connections.open`
/// call per URL, over a plain blocking loopback socket (a one-off call of the tool, not of a daemon).
enum SocketModeTicket {
    /// Calls `POST /api/apps.connections.open` on `127.0.0.1:port` with `appToken`; returns the `ws://` URL.
    static func open(port: Int, appToken: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw BenchError("cannot connect to the simulator on port \(port)") }
        let request =
            "POST /api/apps.connections.open HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            + "Authorization: Bearer \(appToken)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        let bytes = Array(request.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError("writing the apps.connections.open request failed") }
            written += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response += buffer[0..<n]
            if let body = Self.completeBody(response) { return try Self.url(from: body) }
        }
        guard let body = Self.completeBody(response) else {
            throw BenchError("apps.connections.open: incomplete answer from the simulator")
        }
        return try Self.url(from: body)
    }

    /// The body once headers and `Content-Length` bytes are in.
    private static func completeBody(_ response: [UInt8]) -> [UInt8]? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = response.indices.dropLast(3).first(where: { Array(response[$0..<($0 + 4)]) == separator })
        else { return nil }
        let head = String(decoding: response[..<end], as: UTF8.self).lowercased()
        let body = Array(response[(end + 4)...])
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return body.count >= length ? Array(body.prefix(length)) : nil
    }

    private static func url(from body: [UInt8]) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            object["ok"] as? Bool == true, let url = object["url"] as? String
        else {
            throw BenchError("apps.connections.open failed: \(String(decoding: body, as: UTF8.self))")
        }
        return url
    }
}
