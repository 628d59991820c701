import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replyPlaceholdersIn, templatePlaceholdersIn } from './placeholder-mixup';

test('a saved reply\'s {placeholder} in an email template is named, the template\'s own %{…} are not', () => {
  assert.deepEqual(replyPlaceholdersIn('Hello {customer_name}, ticket %{ISSUE_ID}; { customer_name } again'), ['{customer_name}', '{ customer_name }']);
  assert.deepEqual(replyPlaceholdersIn('Ticket %{ISSUE_ID} at %{ISSUE_URL}'), []);
});

test('an email template\'s %{PLACEHOLDER} in a saved reply is named, the reply\'s own {…} are not', () => {
  assert.deepEqual(templatePlaceholdersIn('Hi {customer_first_name}, see %{ISSUE_URL} (%{ISSUE_URL})'), ['%{ISSUE_URL}']);
  assert.deepEqual(templatePlaceholdersIn('Hi {customer_first_name}, ticket {ticket_iid}'), []);
});
