-- Uploaded files are kept uncompressed out of line (PDF and DOCX are compressed already), so the
-- import reads them in pieces with substring() without decompressing the whole value for each piece.
ALTER TABLE "knowledge_sources" ALTER COLUMN "file_data" SET STORAGE EXTERNAL;
