"""The admin process: moderation, reports and users, on its own port so it never slows a battle."""
