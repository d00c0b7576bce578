"""Words of migration dialogues, to tell a complete last entry from one a saved page cut off.

A page saved up to a number of characters may end in the middle of a word: "Combatting migrant
smuggli", "Promote international protectio". The last word is taken as cut off when it is the
start of a longer word (from the page itself or from this list) and not a word of its own on
the page; "diaspora" before "diasporas" is a word of its own (an inflection is no evidence).
"""

DOMAIN_WORDS = frozenset(
    """
    action actions activities adolescents agenda agreement agreements asylum assistance
    awareness border borders building campaigns capacity capacities challenges change children
    citizenship climate collection combatting combating communities community consular
    cooperation coordination countering crime criminal crisis data development diaspora
    diasporas disaster discrimination displacement documentation documents education
    emergencies employment empowerment environment equality ethical exchange exploitation
    families family forced framework frameworks gender governance health human humanitarian
    identity immigration information infrastructure integration internal international
    irregular labour labor legal legislation management market markets migrant migrants
    migration migrations minors mobility movement national obligations orientation partnership
    partnerships persons policy policies practices prevention programmes protection
    qualification qualifications readmission reception recognition recruitment refugees
    regional regularization reintegration relations remittances research resettlement return
    returns rights safety security seasonal skills smuggling social stateless statistics
    students sustainable technical temporary trade trafficking training transfer transit
    travel unaccompanied victims violence visas vocational vulnerable women workers xenophobia
    youth regional development dialogue dialogues consultation consultations conference
    ministerial meeting meetings summit process declaration plan
    migratoire migratoires migrations frontières frontieres gestion traite trafic
    passeurs développement developpement droits protection intégration integration retour
    réintégration reintegration main-d'œuvre emploi données donnees recherche santé sante
    sécurité securite coopération cooperation diaspora diasporas environnement commerce
    formation mobilité mobilite réfugiés refugies asile victimes enfants femmes travailleurs
    """.split()
)

# What may follow a complete word in a longer one: "migrant" -> "migrants" is no evidence
# that "migrant" was cut off.
INFLECTIONS = frozenset(
    "s es d ed ing er ers ee ees al ally ly ment ments ity ities ive ship ness ful less able "
    "ible ist ists ism ic ics ary ory e x".split()
)
