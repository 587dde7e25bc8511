package serverless

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"path"
	"strings"
)

// UploadHost is Twilio's host for Function and Asset Version uploads.
const UploadHost = "serverless-upload.twilio.com"

// UploadForm is the multipart/form-data body Twilio's upload host expects
// for a version: Path and Visibility fields and a Content file part with
// its content type. It returns the body and its Content-Type header.
func UploadForm(urlPath, visibility, contentType string, content []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("Path", urlPath); err != nil {
		return nil, "", err
	}
	if err := w.WriteField("Visibility", visibility); err != nil {
		return nil, "", err
	}
	h := textproto.MIMEHeader{}
	name := strings.NewReplacer(`"`, "", `\`, "", "\r", "", "\n", "").Replace(path.Base(urlPath))
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="Content"; filename="%s"`, name))
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(content); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// VersionsPath is the upload path of a Function's or Asset's versions.
func VersionsPath(kind Kind, serviceSID, resourceSID string) string {
	coll := "Functions"
	if kind == KindAsset {
		coll = "Assets"
	}
	return "/v1/Services/" + serviceSID + "/" + coll + "/" + resourceSID + "/Versions"
}
