from selfcheck.logmask import install_log_masking

install_log_masking()
