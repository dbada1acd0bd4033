/// Why the spaces could not be used or an operation failed, in French first, naming the path.
public enum SpacesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The configured root (or archive folder) is unsafe: relative, `/`, under the other.
    case unsafeRoot(String, String)
    case invalidSetting(String)
    /// A path that should be a folder is a symbolic link: never followed.
    case symlink(String)
    /// A system call failed on a path.
    case system(path: String, call: String, errno: Int32)
    /// A tool (setfacl, tar, setquota…) is missing.
    case missingTool(String, package: String)
    /// A tool ran and failed.
    case tool(String, String)
    /// The archive could not be checked against its manifest: nothing was removed.
    case archiveMismatch(path: String, detail: String)

    public var french: String {
        switch self {
        case let .unsafeRoot(path, why): "Racine des espaces refusée (\(path)) : \(why)."
        case let .invalidSetting(what): "Réglage des espaces invalide : \(what)."
        case let .symlink(path): "\(path) est un lien symbolique : Bascule ne le suit pas et n'y touche pas."
        case let .system(path, call, code): "\(path) : \(call) a échoué (\(SpacesError.errnoText(code)))."
        case let .missingTool(tool, package): "Outil absent : \(tool) (paquet Debian \(package))."
        case let .tool(tool, output): "\(tool) a échoué : \(output.trimmingSpaces)"
        case let .archiveMismatch(path, detail): "Archive \(path) non conforme à son manifeste (\(detail)) : rien n'a été supprimé ni vidé."
        }
    }

    public var description: String { french }

    static func errnoText(_ code: Int32) -> String {
        switch code {
        case 1: "opération non permise (EPERM : Bascule doit tourner en root pour donner les dossiers à leurs propriétaires)"
        case 2: "fichier ou dossier absent (ENOENT)"
        case 13: "permission refusée (EACCES)"
        case 17: "existe déjà (EEXIST)"
        case 20: "n'est pas un dossier (ENOTDIR)"
        case 28: "plus de place sur le disque (ENOSPC)"
        case 30: "système de fichiers en lecture seule (EROFS)"
        case 39: "dossier non vide (ENOTEMPTY)"
        case 40: "trop de liens symboliques ou lien refusé (ELOOP)"
        case 122: "quota dépassé (EDQUOT)"
        default: "errno \(code)"
        }
    }
}
