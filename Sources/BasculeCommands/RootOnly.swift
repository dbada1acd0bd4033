import ArgumentParser
import Foundation

/// `--by LOGIN` makes the command act as that person: root alone may (the system's administrator,
/// whom the audit names beside the person as "utilisateur système root"). Anyone else who can run
/// `bascule` acts as nobody but themselves: through the service, logged in (`bascule serve`).
enum RootOnly {
    static func check() throws {
        guard getuid() != 0 else { return }
        warn("""
            Refusé : --by (agir au nom d'une personne) est réservé à root ; l'utilisateur \(SystemUserName.current) n'est pas root. \
            Chacun agit en son propre nom par le service (bascule serve), une fois connecté.
            Refused: --by is for root alone.
            """)
        throw ExitCode(4)
    }
}

enum SystemUserName {
    static var current: String {
        guard let pw = getpwuid(getuid()), let name = pw.pointee.pw_name else { return "uid \(getuid())" }
        return String(cString: name)
    }
}

/// `bascule run` and `bascule serve` write into the data folder (the store when it is made, the
/// copies of the exports, the refused ones set aside): run by root on the service user's folder,
/// what they create is root's, 0600, and the service (`User=bascule`) can no longer read it: the
/// next day fails on a file it cannot open. Root on the folder of another user is refused; root on
/// its own folder, or the folder's owner, goes on.
enum ServiceUser {
    static func check(data: String, command: String) throws {
        guard geteuid() == 0 else { return }
        var st = stat()
        guard stat(data, &st) == 0, st.st_uid != 0 else { return }
        let owner = getpwuid(st.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(st.st_uid)"
        warn("""
            Refusé : le dossier de données \(data) appartient à \(owner), et bascule \(command) tourne en root : ce qu'il y créerait \
            (la base, les copies des exports, les dépôts refusés) serait à root, et le service ne pourrait plus le lire. \
            Lancez-le en tant que \(owner) : runuser -u \(owner) -- bascule \(command) --data \(data) …
            Refused: the data folder belongs to \(owner); run bascule \(command) as that user, not as root.
            """)
        throw ExitCode(4)
    }
}
