"""The cadre-reserve selection pipeline, the reserve registry, appointments and vacancy matching."""
