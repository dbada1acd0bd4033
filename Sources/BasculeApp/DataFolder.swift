import Foundation

/// The data folder (`--data`) holds the store, the exports' copies, the sheets and their key:
/// names, birth dates, INE, password hashes, the audit. It is its owner's alone (0700).
///
/// Bascule creates it so (the store's folder is made 0700, and the CLI's umask is 077); a folder
/// an older version left readable by all (0755) is closed at the next run, as long as it is
/// plainly Bascule's: owned by this user, not a shared folder (sticky or writable by all), and
/// holding Bascule's store or nothing but what Bascule puts there, and no folder other users must
/// reach (the file spaces' root, were it put inside). Otherwise it is left as it is and the
/// caller is told what to do.
public enum DataFolder {
    /// What Bascule keeps directly in the data folder.
    public static let ownNames: Set<String> = [
        "bascule.sqlite", "bascule.sqlite-wal", "bascule.sqlite-shm", "bascule.sqlite-journal", "bascule.yml",
        "secrets", "schools", "imports", "archives", "calendriers", "exemples",
    ]

    /// Closes the folder to other users when it is Bascule's; nil when nothing is to be said, else
    /// a warning in French (a folder others can read that Bascule will not change itself).
    /// `reachable`: folders other users must still reach (the spaces' root).
    @discardableResult
    public static func protect(_ path: String, reachable: [String] = []) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        let mode = Int(st.st_mode & 0o7777)
        guard mode & 0o077 != 0 else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let shared = mode & 0o1000 != 0 || mode & 0o002 != 0
        let ours = names.contains("bascule.sqlite") || names.allSatisfy(ownNames.contains)
        let full = URL(fileURLWithPath: path).standardizedFileURL.path + "/"
        let needed = reachable.contains { (URL(fileURLWithPath: $0).standardizedFileURL.path + "/").hasPrefix(full) }
        if st.st_uid == geteuid(), !shared, ours, !needed, chmod(path, mode_t(mode & ~0o077)) == 0 {
            return nil
        }
        let why = needed ? "la racine des espaces de fichiers est dedans, et les élèves et les personnels doivent l'atteindre"
                         : "il n'est pas à son utilisateur, est partagé, ou contient autre chose que ses fichiers"
        return "ATTENTION : le dossier de données \(path) est accessible à d'autres utilisateurs (mode \(String(mode, radix: 8))) alors qu'il contient des données personnelles ; Bascule ne le modifie pas (\(why)) : chmod 700 \(path) et placez ailleurs ce que d'autres doivent atteindre, ou choisissez un dossier à part avec --data."
    }
}
