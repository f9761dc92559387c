from django import forms

from .models import AUTHOR_MAX_LENGTH, BODY_MAX_LENGTH


class PostForm(forms.Form):
    # CharField strips surrounding whitespace first, so a blank body counts as missing.
    author = forms.CharField(max_length=AUTHOR_MAX_LENGTH, required=False)
    body = forms.CharField(max_length=BODY_MAX_LENGTH)
