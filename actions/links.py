"""Official addresses the actions give, each one seen in knowledge/facts.md."""

SIR_HOME = "https://www.sirweb.org/"
JOIN_SIR = "https://www.sirweb.org/member-central/join-now/"
CAREER_PAGE = "https://www.sirweb.org/learning-center/rfs-landing-page/"
