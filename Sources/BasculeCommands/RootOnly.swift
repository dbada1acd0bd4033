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
