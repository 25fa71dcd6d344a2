import Foundation

/// What the bench takes from Vigil's systemd unit (`deploy/vigil.service`), so that it starts Vigil as a host does.
enum SystemdUnit {
    /// The variables of the unit's `Environment=` lines (`KEY=value`, several per line, double quotes allowed
    /// around an assignment; no escapes or specifiers, which the unit does not use).
    ///
    /// - Parameter path: The unit file.
    /// - Returns: The variables; later lines win, as in systemd.
    /// - Throws: ``BenchError`` when the file cannot be read or an assignment has no `=`.
    static func environment(atPath path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchError("cannot read the systemd unit \(path)")
        }
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("Environment=") {
            for word in line.dropFirst("Environment=".count).split(separator: " ") {
                let assignment = word.hasPrefix("\"") && word.hasSuffix("\"") && word.count >= 2
                    ? word.dropFirst().dropLast() : word
                guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                    throw BenchError("\(path): `\(line)` is not an Environment=KEY=value line")
                }
                variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
            }
        }
        return variables
    }
}
