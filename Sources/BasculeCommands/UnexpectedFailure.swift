import Foundation

/// An error no Bascule type describes, as an operator reads it: a file or folder the system
/// refused (the path and the system's reason, in French), or anything else named as unexpected.
/// Without this, ArgumentParser printed Foundation's English dump and exited 1, the code a
/// command also uses for "not confirmed", so cron could not tell a refusal from a failure.
struct UnexpectedFailure {
    /// A file or folder the system refused: a wrong --data, a folder it may not write, a full disk.
    static let fileExitCode: Int32 = 2
    /// Anything else: the detail is printed for a report (EX_SOFTWARE of sysexits.h).
    static let otherExitCode: Int32 = 70

    let french: String
    let exitCode: Int32

    init(_ error: any Error) {
        if let file = error as? CocoaError, let reason = Self.reason(file) {
            let path = (file.userInfo[NSFilePathErrorKey] as? String) ?? file.url?.path
            french = "Fichier ou dossier \(path.map { "« \($0) »" } ?? "(chemin inconnu)") : \(reason). "
                + "La commande s'est arrêtée là ; vérifiez le chemin (--data, --config, les fichiers donnés) et ses droits."
            exitCode = Self.fileExitCode
        } else {
            french = "Erreur inattendue (\(type(of: error))) : \(String(reflecting: error).prefix(500)). "
                + "La commande s'est arrêtée là ; joignez ce message à un signalement."
            exitCode = Self.otherExitCode
        }
    }

    /// The system's reason in French, from the POSIX error underneath or the Cocoa code.
    private static func reason(_ error: CocoaError) -> String? {
        let underlying = error.userInfo[NSUnderlyingErrorKey]
        // Linux's Foundation keeps a POSIXError there, Darwin's an NSError of the POSIX domain.
        let posixCode = (underlying as? POSIXError).map { $0.code.rawValue }
            ?? (underlying as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        if let posixCode, let text = posixReasons[posixCode] { return text }
        switch error.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "introuvable"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission refusée"
        case .fileWriteOutOfSpace: return "plus de place sur le disque"
        case .fileWriteVolumeReadOnly: return "système de fichiers en lecture seule"
        case .fileWriteFileExists: return "existe déjà"
        default:
            return error.code.rawValue >= 4 && error.code.rawValue < 1024 ? "refusé par le système (code \(error.code.rawValue))" : nil
        }
    }

    private static let posixReasons: [Int32: String] = [
        ENOENT: "introuvable", EACCES: "permission refusée", EPERM: "opération non permise",
        ENOTDIR: "un élément du chemin n'est pas un dossier", EISDIR: "c'est un dossier",
        ENOSPC: "plus de place sur le disque", EROFS: "système de fichiers en lecture seule",
        EEXIST: "existe déjà", ELOOP: "lien symbolique refusé", ENAMETOOLONG: "chemin trop long",
        EDQUOT: "quota dépassé",
    ]
}
