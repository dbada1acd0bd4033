/// The names of the folders of a school's file spaces (docs/espaces.md), shared by the directory
/// (`homeDirectory`) and the spaces themselves so that both always name the same folder.
///
///     <racine>/<UAI>/
///       perso/<login>          personal spaces
///       classes/<division>     class spaces
///       groupes/<groupe>       teaching groups (options, languages)
///       matieres/<CODE>        subject spaces (teachers of that subject)
///       Salle_des_profs, Mediaprof, Commun
///       ReferentsInformatique  the credential sheets, for the RUPNs alone
///
/// Class, group and Commun spaces hold `Travaux_eleves/<login>`: each student's own folder.
///
/// Personal spaces have a folder of their own (`perso/`): a login such as `commun` or `classes`
/// must never stand where a shared space does.
public enum SpaceTree {
    public static let personal = "perso"
    public static let classes = "classes"
    public static let groups = "groupes"
    public static let subjects = "matieres"
    public static let staffRoom = "Salle_des_profs"
    public static let mediaprof = "Mediaprof"
    public static let common = "Commun"
    /// In a class, group or Commun space: one folder per student, where they hand in their work.
    public static let studentsWork = "Travaux_eleves"
    /// The memo's "P: > Groupes > ReferentsInformatique, visible par les RUPN": where the RUPNs
    /// read the account information (`bascule sheets`). Directly under `<UAI>`, not under
    /// `groupes/`, where a teaching group's code could take its name.
    public static let referents = "ReferentsInformatique"

    /// The folders directly under `<racine>/<UAI>`, in the order Bascule creates them.
    public static let schoolFolders = [personal, classes, groups, subjects, staffRoom, mediaprof, common, referents]

    /// `<root>/<UAI>/perso/<login>`: the personal space, and the account's `homeDirectory`.
    public static func personalPath(root: String, uai: UAI, login: String) -> String {
        "\(trimmed(root))/\(uai.code)/\(personal)/\(login)"
    }

    /// The root without a trailing slash, so that `/srv/espaces/` and `/srv/espaces` give the same paths.
    public static func trimmed(_ root: String) -> String {
        var r = Substring(root)
        while r.count > 1 && r.hasSuffix("/") { r = r.dropLast() }
        return String(r)
    }
}
