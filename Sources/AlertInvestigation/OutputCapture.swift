#if os(Linux)
import Glibc
#endif

/// The head of a probe's output plus a count of what was dropped.
struct OutputCapture {
    /// Bytes to keep.
    let limit: Int
    /// The kept bytes.
    private(set) var head: [UInt8] = []
    /// Bytes read and dropped.
    private(set) var dropped = 0
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    init(limit: Int) {
        self.limit = limit
        head.reserveCapacity(min(limit, 65_536))
    }

    /// Appends `bytes`, keeping at most `limit` in total.
    mutating func append(_ bytes: some Collection<UInt8>) {
        let room = max(0, limit - head.count)
        if room >= bytes.count {
            head.append(contentsOf: bytes)
        } else {
            head.append(contentsOf: bytes.prefix(room))
            dropped += bytes.count - room
        }
    }

    #if os(Linux)
    /// Reads everything currently available from the non-blocking `fd` (at most 4 MiB per call, so one chatty
    /// probe cannot hold the cooperative thread for long).
    ///
    /// - Returns: Bytes read, and whether end-of-file (or an unrecoverable read error) was reached.
    mutating func drain(_ fd: Int32) -> (bytes: Int, endOfFile: Bool) {
        var total = 0
        while total < 4 << 20 {
            let count = scratch.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress, buffer.count)
            }
            if count > 0 {
                append(scratch[0..<count])
                total += count
            } else if count == 0 {
                return (total, true)
            } else {
                let error = errno
                if error == EINTR { continue }
                return (total, !(error == EAGAIN || error == EWOULDBLOCK))
            }
        }
        return (total, false)
    }
    #endif
}
