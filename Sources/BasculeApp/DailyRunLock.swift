import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A department's day is run by one process at a time on a data folder.
///
/// The run journal says whether a day is done, but a day `started` is taken for one a crash left
/// unfinished, and is run again: a `bascule run` from cron while `bascule serve` runs its own day,
/// or two `bascule serve` on the same folder, would run the same day twice at once (two imports
/// of the same dropped files, two applies, two directory syncs, and on SQLite two writers that
/// fail each other with « database is locked »). So the whole day holds an exclusive `flock` on
/// the data folder itself: no file to create (none left root-owned by a `bascule run` as root
/// that the service user could then not open), and the kernel drops it when the process dies,
/// even by SIGKILL, so a crash never leaves the folder locked.
public final class DailyRunLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock without waiting; `DailyRunBusy` when another process holds it. A folder
    /// that does not exist yet holds nothing to protect: nil (the run then finds no store).
    public static func acquire(dataDirectory: String) throws -> DailyRunLock? {
        let fd = open(dataDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw DailyRunBusy(dataDirectory: dataDirectory, reason: String(cString: strerror(errno)))
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let why = errno
            close(fd)
            throw DailyRunBusy(dataDirectory: dataDirectory, reason: why == EWOULDBLOCK ? nil : String(cString: strerror(why)))
        }
        return DailyRunLock(descriptor: fd)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Another process runs the department's day on this data folder (or its lock could not be taken).
public struct DailyRunBusy: Error, Sendable, CustomStringConvertible {
    public var dataDirectory: String
    /// Why the lock could not be taken, when it is not another run holding it.
    public var reason: String?

    public var french: String {
        if let reason {
            return "exécution quotidienne impossible : le verrou du dossier de données \(dataDirectory) ne peut être pris (\(reason))"
        }
        return "une autre exécution quotidienne (bascule serve ou bascule run) est en cours sur le dossier de données \(dataDirectory) : rien n'a été fait ; réessayer une fois qu'elle est finie (journalctl -u bascule)"
    }

    public var description: String {
        french + " / another daily run (bascule serve or bascule run) holds the data folder \(dataDirectory): nothing was done"
    }
}
