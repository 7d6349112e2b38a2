/**
 * How notebook sources are compared. Databricks prepends a "Databricks
 * notebook source" header line on export and may change line endings and
 * trailing whitespace, so both sides are normalised before hashing; an
 * unchanged notebook is then recognised without storing it anywhere.
 */
import { createHash } from 'node:crypto';

export type NotebookLanguage = 'PYTHON' | 'SQL' | 'SCALA' | 'R';

const COMMENT: Record<NotebookLanguage, string> = { PYTHON: '#', R: '#', SQL: '--', SCALA: '//' };

export function normaliseNotebookSource(content: string, language: NotebookLanguage): string {
  const header = `${COMMENT[language]} Databricks notebook source`;
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trim() === header) lines.shift();
  return lines.join('\n').replace(/\s+$/, '');
}

export function notebookHash(content: string, language: NotebookLanguage): string {
  return createHash('sha256').update(normaliseNotebookSource(content, language)).digest('hex');
}
