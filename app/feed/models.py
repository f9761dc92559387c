from django.db import models

BODY_MAX_LENGTH = 280
AUTHOR_MAX_LENGTH = 50


class Post(models.Model):
    author = models.CharField(max_length=AUTHOR_MAX_LENGTH, blank=True, default="")
    body = models.CharField(max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self):
        return f"{self.author or 'anonymous'}: {self.body[:40]}"

    def as_event(self):
        """The JSON shape every client sees, over the socket and from the API."""
        return {
            "type": "post",
            "id": self.id,
            "author": self.author,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }
