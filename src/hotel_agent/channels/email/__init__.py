"""E-mail to guests: the message the core hands over (`Email`) and the SMTP mailer that
delivers it. What an e-mail says is written above (dialogue/responses/emails.py); here it is
only carried."""
