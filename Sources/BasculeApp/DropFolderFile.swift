import Foundation

/// A file of the drop folder, which another account writes (the academy's tool), copied for
/// import through one open file: opened without following a link and without waiting on a FIFO,
/// checked to be a plain file on that same descriptor, then read from it. A check by path then a
/// read by path (lstat, then open) let that account swap a link in between, and the service,
/// which may read any file, would import what it points to.
enum DropFolderFile {
    enum Outcome: Equatable {
        case copied
        /// A folder: not the drop's business, left where it is.
        case directory
        /// Gone since the folder was listed: nothing to do.
        case vanished
        /// A link, a FIFO, a device, a socket, or a file that cannot be read: set aside, never read.
        case notPlain
    }

    static func copy(_ source: String, to destination: String) -> Outcome {
        let fd = open(source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? .vanished : .notPlain }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .notPlain }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .directory
        default: return .notPlain
        }
        let out = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard out >= 0 else { return .notPlain }
        defer { close(out) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return .copied }
            if n < 0 {
                if errno == EINTR { continue }
                return .notPlain
            }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(out, $0.baseAddress! + written, n - written) }
                if w < 0 {
                    if errno == EINTR { continue }
                    return .notPlain
                }
                written += w
            }
        }
    }
}
