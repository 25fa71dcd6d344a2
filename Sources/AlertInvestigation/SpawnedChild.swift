#if os(Linux)
import Glibc

/// A child process started by ``CommandProbeRunner``, and the read end of its output pipe.
///
/// Only ``CommandProbeRunner`` uses this; it owns the pid (it must reap it) and the descriptor (it must close it).
struct SpawnedChild {
    /// Why a child could not be started.
    struct Failure: Error {
        let reason: String
    }

    /// What `waitid(WNOWAIT)` says about the child.
    enum State {
        /// Still running.
        case running
        /// Exited (a zombie, not yet reaped) with this status.
        case exited(ProbeStatus)
        /// Already reaped by someone else (`ECHILD`): its status is lost and its pid may be reused.
        case gone
    }

    /// The child's pid, which is also its process-group id.
    let pid: pid_t
    /// The non-blocking read end of the pipe carrying the child's stdout and stderr.
    let outputFD: Int32

    /// Spawns `executable` with `arguments` and exactly `environment`; see ``CommandProbeRunner`` for the setup.
    static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String]
    ) -> Result<SpawnedChild, Failure> {
        guard executable.hasPrefix("/") else {
            return .failure(Failure(reason: "executable path must be absolute: \(executable)"))
        }
        if executable.contains("\0") || arguments.contains(where: { $0.contains("\0") }) {
            return .failure(Failure(reason: "executable path and arguments must not contain NUL characters"))
        }

        // The pipe: both ends close-on-exec (the child gets the write end through dup2, which clears the flag on
        // the copy), both ends above stdio so the dup2/open actions below cannot clobber them, and only the read
        // end non-blocking (the write end is a separate open file description, so the child's writes block
        // normally).
        var ends: [Int32] = [-1, -1]
        if let pipe2 = LibcExtensions.pipe2 {
            guard pipe2(&ends, O_CLOEXEC) == 0 else {
                return .failure(Failure(reason: "could not create a pipe: \(describeErrno(errno))"))
            }
        } else {
            // Without pipe2 there is a short window before FD_CLOEXEC is set; only another process spawned in
            // that window could inherit the descriptors, and probes close everything above stdio anyway.
            guard pipe(&ends) == 0 else {
                return .failure(Failure(reason: "could not create a pipe: \(describeErrno(errno))"))
            }
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        for index in ends.indices where ends[index] < 3 {
            let moved = fcntl(ends[index], F_DUPFD_CLOEXEC, 3)
            _ = close(ends[index])
            ends[index] = moved
        }
        let readFD = ends[0]
        let writeFD = ends[1]
        guard readFD >= 3, writeFD >= 3 else {
            if readFD >= 0 { _ = close(readFD) }
            if writeFD >= 0 { _ = close(writeFD) }
            return .failure(Failure(reason: "could not move the pipe above standard descriptors"))
        }
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        _ = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        _ = posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
        _ = posix_spawn_file_actions_adddup2(&actions, writeFD, 2)
        if let closeFrom = LibcExtensions.addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            markAllDescriptorsCloseOnExec()
        }
        if let addChdir = LibcExtensions.addChdir {
            _ = addChdir(&actions, "/")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        sigdelset(&defaultSignals, SIGKILL)
        sigdelset(&defaultSignals, SIGSTOP)
        _ = posix_spawnattr_setsigmask(&attributes, &emptyMask)
        _ = posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        _ = posix_spawnattr_setpgroup(&attributes, 0)
        _ = posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        _ = close(writeFD)
        guard result == 0 else {
            _ = close(readFD)
            return .failure(Failure(reason: "\(executable): \(describeErrno(result))"))
        }
        return .success(SpawnedChild(pid: pid, outputFD: readFD))
    }

    /// Checks, without blocking and without reaping, whether the child has exited.
    func peek() -> State {
        while true {
            var info = siginfo_t()
            let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
            if result == 0 {
                if info._sifields._sigchld.si_pid == 0 { return .running }
                let status = info._sifields._sigchld.si_status
                switch Int(info.si_code) {
                case Int(CLD_EXITED): return .exited(.exitCode(status))
                case Int(CLD_KILLED), Int(CLD_DUMPED): return .exited(.signal(status))
                default: return .exited(.unknown)
                }
            }
            let error = errno
            if error == EINTR { continue }
            return .gone
        }
    }

    /// Reaps the child; call only after ``peek()`` reported ``State/exited(_:)`` (it then returns at once).
    func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) < 0, errno == EINTR {}
    }

    /// Closes the read end of the pipe.
    func closeOutput() {
        _ = close(outputFD)
    }

    /// Fallback for libcs without `posix_spawn_file_actions_addclosefrom_np`: marks every open descriptor above
    /// stdio close-on-exec. Racy against descriptors other threads open at the same moment without `O_CLOEXEC`,
    /// which is why the glibc action is preferred.
    private static func markAllDescriptorsCloseOnExec() {
        if let directory = opendir("/proc/self/fd") {
            defer { closedir(directory) }
            let own = dirfd(directory)
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let fd = Int32(name), fd >= 3, fd != own {
                    _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
                }
            }
        } else {
            for fd in Int32(3)..<4096 where fcntl(fd, F_GETFD) >= 0 {
                _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
            }
        }
    }
}

/// glibc extensions that Swift's Glibc module does not import (they sit behind `_GNU_SOURCE`), looked up at run
/// time so that an older libc degrades to the fallback instead of failing to link.
private enum LibcExtensions {
    typealias FileActionsInt = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias FileActionsPath =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

    /// `pipe2` (glibc 2.9+).
    static var pipe2: Pipe2? {
        guard let symbol = dlsym(nil, "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: Pipe2.self)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+).
    static var addCloseFrom: FileActionsInt? {
        // RTLD_DEFAULT is a null handle on glibc.
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: FileActionsInt.self)
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+).
    static var addChdir: FileActionsPath? {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: FileActionsPath.self)
    }
}

/// `strerror` text for an errno value, with the number.
private func describeErrno(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}
#endif
