import Foundation

/// Tells, from outside, whether a process is inside a write transaction on an SQLite database in
/// WAL mode: the writer holds an exclusive POSIX lock on byte 120 of the `-shm` file (SQLite's
/// `UNIX_SHM_BASE` + `WAL_WRITE_LOCK`) from its first write until commit or rollback. A crash test
/// uses it to kill a process while a transaction is open, and to prove some kill did land there.
public enum SQLiteWriteLock {
    /// The pid holding the write lock of `database`, or nil when no process is writing.
    public static func holder(database: String) -> pid_t? {
        let fd = open(database + "-shm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 120
        lock.l_len = 1
        guard fcntl(fd, F_GETLK, &lock) == 0, lock.l_type != Int16(F_UNLCK) else { return nil }
        return lock.l_pid
    }
}
