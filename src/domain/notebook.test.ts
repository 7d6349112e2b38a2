import { describe, expect, it } from 'vitest';
import { normaliseNotebookSource, notebookHash } from './notebook.js';

describe('notebook sources', () => {
  it("ignore the header Databricks adds on export, in each language's comment syntax", () => {
    expect(normaliseNotebookSource('# Databricks notebook source\nprint(1)\n', 'PYTHON')).toBe('print(1)');
    expect(normaliseNotebookSource('-- Databricks notebook source\nSELECT 1;', 'SQL')).toBe('SELECT 1;');
    expect(normaliseNotebookSource('// Databricks notebook source\nval x = 1', 'SCALA')).toBe('val x = 1');
    expect(normaliseNotebookSource('# Databricks notebook source\nx <- 1', 'R')).toBe('x <- 1');
    // Only the language's own header is one: a SQL file starting with a Python comment keeps it.
    expect(normaliseNotebookSource('# Databricks notebook source\nSELECT 1;', 'SQL')).toBe('# Databricks notebook source\nSELECT 1;');
  });

  it('hash equal sources equally across line endings and trailing whitespace, and different ones differently', () => {
    const base = notebookHash('print(1)\nprint(2)', 'PYTHON');
    expect(notebookHash('# Databricks notebook source\r\nprint(1)\r\nprint(2)\r\n\n', 'PYTHON')).toBe(base);
    expect(notebookHash('print(1)\nprint(3)', 'PYTHON')).not.toBe(base);
    expect(notebookHash('print(1)\n\nprint(2)', 'PYTHON')).not.toBe(base);
  });
});
